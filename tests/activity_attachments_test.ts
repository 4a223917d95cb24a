/**
 * Attachment downloads, finished uploads and refusals as ACTIVITY facts, against the real
 * attachments and tickets services on a private nats-server, PostgreSQL and s3rver, with the
 * real tus-js-client.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as tus from "tus-js-client";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import {
  type Caller,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";
import { type AttachmentsInstance, startAttachments } from "./support/attachments_harness.ts";
import { eventually } from "./support/routing_harness.ts";

const PDF = new TextEncoder().encode(`%PDF-1.7\n${"contract page\n".repeat(2_000)}%%EOF\n`);

async function upload(h: Harness, a: AttachmentsInstance, who: Caller, ticketId: string) {
  const token = await h.token(who);
  return await new Promise<string>((resolve, reject) => {
    const up = new tus.Upload(Buffer.from(PDF), {
      endpoint: `${a.url}/v1/attachments/uploads`,
      headers: { authorization: `Bearer ${token}`, "x-request-id": "upload-1" },
      metadata: { ticketId, filename: "contract.pdf", filetype: "application/pdf" },
      retryDelays: [],
      onSuccess: () => resolve(up.url!),
      onError: (error) => reject(error),
    });
    up.start();
  });
}

function withAttachments(fn: (h: Harness, a: AttachmentsInstance) => Promise<void>) {
  return () =>
    withHarness(async (h) => {
      const a = await startAttachments(h, {
        TICKETD_ACTIVITY_ACK_TIMEOUT_MS: "200",
        TICKETD_ACTIVITY_PUBLISH_ATTEMPTS: "2",
      });
      try {
        await fn(h, a);
      } finally {
        await a.stop();
      }
    });
}

async function uploadedId(h: Harness, a: AttachmentsInstance, ticketId: string) {
  await upload(h, a, customerA, ticketId);
  return await eventually("the attachment listed", async () => {
    const listed = await (await a.call(customerA, "GET", `/v1/attachments?ticketId=${ticketId}`))
      .json();
    return listed.attachments[0]?.attachmentId as string | undefined;
  });
}

Deno.test(
  "attachments - a finished upload is recorded, and its AttachmentAdded commit keeps the request id",
  withAttachments(async (h, a) => {
    const ticket = await createTicket(h, customerA);
    const attachmentId = await uploadedId(h, a, ticket.id);
    const [fact] = await recordedActivity(h.jsm, "attachments.file.uploaded");
    assert.deepEqual(fact.actor, { id: "cust-a", role: "customer" });
    assert.deepEqual(fact.target, { type: "attachment", id: attachmentId });
    assert.equal(fact.source.requestId, "upload-1");
    assert.deepEqual(fact.changes, { ticketId: ticket.id, size: PDF.length });
    const commit = await h.jsm.streams.getMessage(h.config.stream.name, {
      last_by_subj: `tickets.acme.${ticket.id}`,
    });
    assert.equal(decodeCommit(commit!.data).meta.requestId, "upload-1");
  }),
);

Deno.test(
  "attachments - a download is recorded; one refused to another customer is recorded as denied",
  withAttachments(async (h, a) => {
    const ticket = await createTicket(h, customerA);
    const attachmentId = await uploadedId(h, a, ticket.id);
    const got = await a.call(supervisorA, "GET", `/v1/attachments/${attachmentId}`);
    assert.equal(got.status, 200);
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), PDF);
    const refused = await a.call(customerA2, "GET", `/v1/attachments/${attachmentId}`);
    assert.equal(refused.status, 404);
    await refused.body?.cancel();
    const facts = await recordedActivity(h.jsm, "attachments.file.downloaded");
    assert.deepEqual(facts.map((f) => [f.actor.id, f.outcome]), [
      ["super-a", "ok"],
      ["cust-a2", "denied"],
    ]);
    assert.deepEqual(facts[0].target, { type: "attachment", id: attachmentId });
  }),
);

Deno.test(
  "attachments - a download that cannot be recorded is refused 503 and sends no byte of the file",
  withAttachments(async (h, a) => {
    const ticket = await createTicket(h, customerA);
    const attachmentId = await uploadedId(h, a, ticket.id);
    await h.jsm.streams.delete(ACTIVITY_STREAM);
    const refused = await a.call(supervisorA, "GET", `/v1/attachments/${attachmentId}`);
    assert.equal(refused.status, 503);
    const text = await refused.text();
    assert.equal(JSON.parse(text).code, "activity_unavailable");
    assert.ok(!text.includes("contract page"));
  }),
);
