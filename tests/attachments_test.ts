/**
 * The attachments service end to end, beside the real tickets service on real NATS JetStream and
 * PostgreSQL, with a real S3-protocol server (s3rver) and the real `tus-js-client`: a customer
 * uploads a file to their ticket, it joins the ticket's history, is stored encrypted, and streams
 * back whole or by range; a wrong type, another customer's ticket and a repeat are refused.
 * @module
 */
import assert from "node:assert/strict";
import {
  type Caller,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";
import {
  type AttachmentsInstance,
  startAttachments,
  tusUpload,
  withAttachments,
} from "./support/attachments_harness.ts";
import { eventually } from "./support/routing_harness.ts";

const PDF = new TextEncoder().encode(`%PDF-1.7\n${"合同 contract page\n".repeat(20_000)}%%EOF\n`);

Deno.test(
  "a customer's tus upload joins the ticket, is encrypted at rest, and streams back whole and by range",
  withAttachments(async (h, a) => {
    const ticket = await createTicket(h, customerA);
    await tusUpload(h, a.url, customerA, {
      ticketId: ticket.id,
      file: PDF,
      filename: "../../合同.pdf",
    }, { chunkSize: 256 * 1024 });
    const listed = await (await a.call(customerA, "GET", `/v1/attachments?ticketId=${ticket.id}`))
      .json();
    assert.equal(listed.attachments.length, 1);
    const [file] = listed.attachments;
    assert.deepEqual([file.fileName, file.mime, file.size], [
      "合同.pdf",
      "application/pdf",
      PDF.length,
    ]);
    const history = await eventually("the attachment in the history", async () => {
      const json = await (await h.call(customerA, "GET", `/v1/tickets/${ticket.id}/history`))
        .json();
      const added = json.entries.flatMap((e: { events: { type: string }[] }) => e.events)
        .filter((e: { type: string }) => e.type === "AttachmentAdded");
      return added.length ? added : undefined;
    });
    assert.equal(history[0].attachmentId, file.attachmentId);

    const whole = await a.call(customerA, "GET", `/v1/attachments/${file.attachmentId}`);
    assert.equal(whole.status, 200);
    assert.match(whole.headers.get("content-disposition") ?? "", /^attachment;/);
    assert.equal(whole.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), PDF);
    const part = await a.call(customerA, "GET", `/v1/attachments/${file.attachmentId}`, {
      range: "bytes=100000-100099",
    });
    assert.equal(part.status, 206);
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), PDF.subarray(100_000, 100_100));

    // At rest there is no plaintext: no object holds the words, no stored record or event the name.
    const names = await new Deno.Command("grep", { args: ["-rl", "合同.pdf", a.s3.directory] })
      .output();
    assert.equal(new TextDecoder().decode(names.stdout).trim(), "");
    const events = await h.jsm.streams.getMessage(h.config.stream.name, {
      last_by_subj: `tickets.acme.${ticket.id}`,
    });
    assert.ok(!new TextDecoder().decode(events!.data).includes("合同"));
    const stored = await new Deno.Command("grep", {
      args: ["-rl", "contract page", a.s3.directory],
    }).output();
    assert.equal(new TextDecoder().decode(stored.stdout).trim(), "");
  }),
);

Deno.test(
  "an upload to a ticket the caller may not see is 404; an executable is 415; a repeat is 409",
  withAttachments(async (h, a) => {
    const ticket = await createTicket(h, customerA);
    await assert.rejects(
      () => tusUpload(h, a.url, customerA2, { ticketId: ticket.id, file: PDF, filename: "x.pdf" }),
      (e: Error) => /404/.test(String(e)),
    );
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Uint8Array(200)]);
    await assert.rejects(
      () =>
        tusUpload(h, a.url, customerA, { ticketId: ticket.id, file: elf, filename: "tool.pdf" }),
      (e: Error) => /415/.test(String(e)),
    );
    await tusUpload(h, a.url, customerA, { ticketId: ticket.id, file: PDF, filename: "a.pdf" });
    await assert.rejects(
      () =>
        tusUpload(h, a.url, customerA, { ticketId: ticket.id, file: PDF, filename: "again.pdf" }),
      (e: Error) => /409/.test(String(e)),
    );
    const listed = await (await a.call(supervisorA, "GET", `/v1/attachments?ticketId=${ticket.id}`))
      .json();
    assert.equal(listed.attachments.length, 1);
    const other = await a.call(
      customerA2,
      "GET",
      `/v1/attachments/${listed.attachments[0].attachmentId}`,
    );
    assert.equal(other.status, 404);
    await other.body?.cancel();
  }),
);

/** One tus creation-with-upload request carrying the whole file. */
async function createWhole(
  h: Harness,
  a: AttachmentsInstance,
  who: Caller,
  ticketId: string,
  file: Uint8Array,
  filename: string,
): Promise<number> {
  const meta = `ticketId ${btoa(ticketId)},filename ${btoa(filename)}`;
  const response = await fetch(`${a.url}/v1/attachments/uploads`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await h.token(who)}`,
      "tus-resumable": "1.0.0",
      "upload-length": String(file.length),
      "upload-metadata": meta,
      "content-type": "application/offset+octet-stream",
    },
    body: file as Uint8Array<ArrayBuffer>,
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test(
  "uploads finishing at the same moment: one copy of a file, unique names, and the ticket limit holds",
  () =>
    withHarness(async (h) => {
      const a = await startAttachments(h, { TICKETD_ATTACHMENTS_MAX_TICKET_MB: "2" });
      try {
        const ticket = await createTicket(h, customerA);
        const text = (n: number) => new TextEncoder().encode(`note ${n} `.repeat(100_000 / 8));
        const same = await Promise.all(
          [1, 2, 3, 4].map(() => createWhole(h, a, customerA, ticket.id, text(0), "same.txt")),
        );
        assert.deepEqual(same.sort(), [201, 409, 409, 409]);
        const named = await Promise.all(
          [1, 2, 3].map((n) => createWhole(h, a, customerA, ticket.id, text(n), "name.txt")),
        );
        assert.deepEqual(named, [201, 201, 201]);
        const big = (n: number) => new TextEncoder().encode(`${n}`.repeat(700_000));
        const over = await Promise.all(
          [5, 6, 7, 8].map((n) => createWhole(h, a, customerA, ticket.id, big(n), `big${n}.txt`)),
        );
        const listed =
          await (await a.call(customerA, "GET", `/v1/attachments?ticketId=${ticket.id}`))
            .json();
        const names = listed.attachments.map((f: { fileName: string }) => f.fileName);
        assert.equal(new Set(names).size, names.length, JSON.stringify(names));
        const total = listed.attachments.reduce(
          (sum: number, f: { size: number }) => sum + f.size,
          0,
        );
        assert.ok(total <= 2 * 1024 * 1024, `${total} bytes on the ticket`);
        assert.ok(over.includes(413), JSON.stringify(over));
      } finally {
        await a.stop();
      }
    }),
);

Deno.test(
  "listing attachments without a ticket is 400 missing_ticket_id",
  withAttachments(async (_h, a) => {
    const response = await a.call(customerA, "GET", "/v1/attachments");
    assert.equal(response.status, 400);
    assert.equal((await response.json()).code, "missing_ticket_id");
  }),
);
