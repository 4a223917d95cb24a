/**
 * Attachment downloads, finished uploads and refusals as ACTIVITY facts, against the real
 * attachments and tickets services on a private nats-server, PostgreSQL and s3rver, with the
 * real tus-js-client.
 * @module
 */
import assert from "node:assert/strict";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import {
  createTicket,
  customerA,
  customerA2,
  type Harness,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";
import {
  type AttachmentsInstance,
  tusUpload,
  withAttachments,
} from "./support/attachments_harness.ts";
import { eventually } from "./support/routing_harness.ts";
import { attachmentsFollower } from "../services/attachments/main.ts";
import { startTestS3 } from "../services/attachments/testing/s3.ts";

const PDF = new TextEncoder().encode(`%PDF-1.7\n${"contract page\n".repeat(2_000)}%%EOF\n`);

/** Attachments whose activity publishing gives up fast (the refusal tests stop JetStream). */
function withFastActivity(fn: (h: Harness, a: AttachmentsInstance) => Promise<void>) {
  return withAttachments(fn, {
    TICKETD_ACTIVITY_ACK_TIMEOUT_MS: "200",
    TICKETD_ACTIVITY_PUBLISH_ATTEMPTS: "2",
  });
}

/** The customer uploads the PDF, with a request id the activity facts carry. */
function uploadPdf(h: Harness, attachmentsUrl: string, ticketId: string) {
  const upload = { ticketId, file: PDF, filename: "contract.pdf" };
  return tusUpload(h, attachmentsUrl, customerA, upload, {
    headers: { "x-request-id": "upload-1" },
  });
}

async function uploadedId(h: Harness, a: AttachmentsInstance, ticketId: string) {
  await uploadPdf(h, a.url, ticketId);
  return await eventually("the attachment listed", async () => {
    const listed = await (await a.call(customerA, "GET", `/v1/attachments?ticketId=${ticketId}`))
      .json();
    return listed.attachments[0]?.attachmentId as string | undefined;
  });
}

Deno.test(
  "attachments - a finished upload is recorded, and its AttachmentAdded commit keeps the request id",
  withFastActivity(async (h, a) => {
    const ticket = await createTicket(h, customerA);
    const attachmentId = await uploadedId(h, a, ticket.id);
    const [fact] = await recordedActivity(h.jsm, "attachments.file.uploaded");
    assert.deepEqual(fact.actor, { id: "cust-a", role: "customer" });
    assert.deepEqual(fact.target, { type: "attachment", id: attachmentId });
    assert.deepEqual(fact.source, { ip: "127.0.0.1", requestId: "upload-1" });
    assert.deepEqual(fact.changes, { ticketId: ticket.id, size: PDF.length });
    const commit = await h.jsm.streams.getMessage(h.config.stream.name, {
      last_by_subj: `tickets.acme.${ticket.id}`,
    });
    const meta = decodeCommit(commit!.data).meta;
    assert.deepEqual([meta.ip, meta.requestId], ["127.0.0.1", "upload-1"]);
  }),
);

Deno.test(
  "attachments - a download is recorded; one refused to another customer is recorded as denied",
  withFastActivity(async (h, a) => {
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
    assert.deepEqual(facts.map((f) => f.source.ip), ["127.0.0.1", "127.0.0.1"]);
  }),
);

Deno.test(
  "attachments - a download that cannot be recorded is refused 503 and sends no byte of the file",
  withFastActivity(async (h, a) => {
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

Deno.test(
  "attachments as deno task start serves it - upload, download and AttachmentAdded carry the client address",
  () =>
    withHarness(async (h) => {
      const s3 = await startTestS3();
      const follower = await attachmentsFollower({
        TICKETD_S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
        TICKETD_S3_ACCESS_KEY: s3.accessKey,
        TICKETD_S3_SECRET_KEY: s3.secretKey,
        TICKETD_ATTACHMENTS_HOST: "127.0.0.1",
        TICKETD_ATTACHMENTS_PORT: "0",
      })({
        infra: {
          nc: h.nc,
          sql: h.sql,
          natsUrl: h.natsUrl,
          databaseUrl: h.config.databaseUrl ?? "",
          stop: () => Promise.resolve(),
        },
        log: createLogger("error", { service: "tickets-test" }),
        keyring: h.keyring,
        verify: h.verify,
        config: h.config,
        customFields: {},
      });
      try {
        const url = await Deno.readTextFile(`${h.config.dataDir}/attachments.url`);
        const ticket = await createTicket(h, customerA);
        await uploadPdf(h, url, ticket.id);
        const [uploaded] = await recordedActivity(h.jsm, "attachments.file.uploaded");
        assert.deepEqual(uploaded.source, { ip: "127.0.0.1", requestId: "upload-1" });
        const commit = await h.jsm.streams.getMessage(h.config.stream.name, {
          last_by_subj: `tickets.acme.${ticket.id}`,
        });
        const meta = decodeCommit(commit!.data).meta;
        // The commit's actor is the service, decided as a supervisor (docs/audit.md).
        assert.deepEqual([meta.actorId, meta.actorRole, meta.ip], [
          "svc:attachments",
          "supervisor",
          "127.0.0.1",
        ]);
        const attachmentId = uploaded.target.id;
        const got = await fetch(`${url}/v1/attachments/${attachmentId}`, {
          headers: { authorization: `Bearer ${await h.token(supervisorA)}` },
        });
        assert.equal(got.status, 200);
        await got.body?.cancel();
        const [downloaded] = await recordedActivity(h.jsm, "attachments.file.downloaded");
        assert.equal(downloaded.source.ip, "127.0.0.1");
      } finally {
        await follower.stop();
        await s3.stop();
      }
    }),
);
