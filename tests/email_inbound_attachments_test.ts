/**
 * Mail attachments and inline images handed to the attachments service as the requester's, by
 * relayed uploads over NATS (no token for the customer, no dev key), end to end: nodemailer
 * sends a mail with a PDF and an inline PNG; both end up as the ticket's attachments, stored,
 * scanned and announced by the attachments service on a real s3rver. The same mail again adds
 * nothing, a hand-off cut short resumes where it stopped, and only a relaying service may relay,
 * only for the ticket's requester.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import nodemailer from "nodemailer";
import {
  type AttachmentRelayReply,
  type AttachmentRelayRequest,
  attachmentRelaySubject,
  RELAY_CHUNK_BYTES,
} from "@ticketd/shared/commands/attachments.ts";
import { encodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import { eventually } from "./support/routing_harness.ts";
import { type AttachmentsInstance, startAttachments } from "./support/attachments_harness.ts";
import {
  createTicket,
  customerA,
  type Harness,
  startHarness,
  supervisorA,
} from "./support/tickets_harness.ts";
import { externalIdFor } from "../services/email/domain/identities.ts";
import {
  type InboundInstance,
  readTicket,
  startInbound,
} from "../services/email/testing/inbound_harness.ts";

const SUPPORT = { tenant: "acme", address: "support@acme.example", imap: null };
const PDF = new TextEncoder().encode(`%PDF-1.7\n${"invoice line\n".repeat(500)}%%EOF\n`);
// The smallest valid PNG: signature, IHDR, IDAT, IEND.
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

interface Stack {
  h: Harness;
  attachments: AttachmentsInstance;
  inbound: InboundInstance;
}

async function withStack(run: (stack: Stack) => Promise<void>) {
  const h = await startHarness();
  const attachments = await startAttachments(h);
  const inbound = await startInbound(h, [SUPPORT]);
  try {
    await run({ h, attachments, inbound });
  } finally {
    await inbound.stop();
    await attachments.stop();
    await h.stop();
  }
}

type Mail = Parameters<ReturnType<typeof nodemailer.createTransport>["sendMail"]>[0];

async function send(inbound: InboundInstance, mail: Mail) {
  const before = inbound.outcomes.length;
  await nodemailer.createTransport({
    host: "127.0.0.1",
    port: inbound.service.smtpPort!,
    secure: false,
    ignoreTLS: true,
  }).sendMail({ from: "ann@customer.example", to: SUPPORT.address, subject: "invoice", ...mail });
  const outcome = await inbound.nth(before + 1);
  if (!("ticketId" in outcome)) throw new Error(`no ticket: ${JSON.stringify(outcome)}`);
  return outcome;
}

type Listed = { fileName: string; mime: string; size: number; uploaderId: string }[];

async function listed(attachments: AttachmentsInstance, ticketId: string, count: number) {
  return await eventually(`${count} attachments`, async () => {
    const response = await attachments.call(
      supervisorA,
      "GET",
      `/v1/attachments?ticketId=${ticketId}`,
    );
    const json = await response.json() as { attachments: Listed };
    return json.attachments.length === count ? json.attachments : undefined;
  });
}

async function relay(h: Harness, request: AttachmentRelayRequest): Promise<AttachmentRelayReply> {
  const answer = await h.nc.request(attachmentRelaySubject("acme"), JSON.stringify(request), {
    timeout: 5_000,
  });
  return answer.json<AttachmentRelayReply>();
}

const withFiles: Mail = {
  text: "see attached",
  html: '<p>see attached <img src="cid:logo@ann"></p>',
  messageId: "<invoice-1@customer.example>",
  attachments: [
    { filename: "发票.pdf", content: Buffer.from(PDF), contentType: "application/pdf" },
    { filename: "logo.png", content: Buffer.from(PNG), contentType: "image/png", cid: "logo@ann" },
  ],
};

Deno.test("email attachments - a mail's file and inline image become the requester's attachments", async () => {
  await withStack(async ({ attachments, inbound }) => {
    const outcome = await send(inbound, withFiles);
    assert.equal(outcome.kind, "created");
    const files = await listed(attachments, outcome.ticketId, 2);
    assert.deepEqual(files.map((a) => [a.fileName, a.mime, a.uploaderId]).sort(), [
      ["logo.png", "image/png", "email:ann@customer.example"],
      ["发票.pdf", "application/pdf", "email:ann@customer.example"],
    ]);
  });
});

Deno.test("email attachments - a refused file is noted for agents as kept in the mail; the text names no raw path", async () => {
  await withStack(async ({ h, attachments, inbound }) => {
    const exe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(510, 0x90)]);
    const mail: Mail = {
      text: "two files",
      messageId: "<odd-files-1@customer.example>",
      attachments: [
        { filename: "../../etc/passwd.png", content: Buffer.from(PNG), contentType: "image/png" },
        { filename: "setup.exe", content: exe, contentType: "application/octet-stream" },
      ],
    };
    const first = await send(inbound, mail);
    const [stored] = await listed(attachments, first.ticketId, 1);
    assert.equal(stored.fileName, "passwd.png");
    const ticket = await readTicket(h, first.ticketId, (t) => t.messages.length === 2);
    assert.equal(ticket.messages[0].body, "two files", "the customer's text lists no raw names");
    assert.equal(ticket.messages[1].internal, true);
    assert.match(
      ticket.messages[1].body,
      /- setup\.exe \(application\/octet-stream, 512 bytes\): not accepted: kept in the original mail \(type_not_allowed\)/,
    );
    assert.doesNotMatch(ticket.messages[1].body, /passwd/);
    const again = await send(inbound, mail);
    assert.deepEqual(again, { ...first, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await readTicket(h, first.ticketId);
    assert.equal(after.messages.length, 2, "the same mail again notes its refused file once");
  });
});

Deno.test("email attachments - the same mail taken in again adds no second copy of its files", async () => {
  await withStack(async ({ attachments, inbound }) => {
    const first = await send(inbound, withFiles);
    await listed(attachments, first.ticketId, 2);
    const again = await send(inbound, withFiles);
    assert.deepEqual(again, { ...first, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await listed(attachments, first.ticketId, 2)).length, 2);
  });
});

Deno.test("email attachments - a hand-off cut short by a crash resumes at its offset", async () => {
  await withStack(async ({ h, attachments, inbound }) => {
    const big = new Uint8Array(RELAY_CHUNK_BYTES * 2 + 1000);
    big.set(PDF.subarray(0, 9)); // "%PDF-1.7\n": the attachments service checks the bytes
    big.set(new TextEncoder().encode("%%EOF\n"), big.length - 6);
    const mail = {
      text: "the whole report",
      messageId: "<report-1@customer.example>",
      attachments: [{
        filename: "report.pdf",
        content: Buffer.from(big),
        contentType: "application/pdf",
      }],
    };
    // The first intake: the ticket, then one chunk of the file, then the crash.
    const first = await send(inbound, { ...mail, attachments: [] });
    const mailId = externalIdFor(
      SUPPORT.address,
      {
        messageId: "report-1@customer.example",
        contentHash: "",
      } as Parameters<typeof externalIdFor>[1],
    );
    const relayed = {
      service: "email",
      onBehalfOf: { id: "email:ann@customer.example", role: "customer" as const },
    };
    const opened = await relay(h, {
      op: "open",
      ...relayed,
      ticketId: first.ticketId,
      externalId: `${mailId}#0`,
      fileName: "report.pdf",
      mime: "application/pdf",
      size: big.length,
    });
    assert.ok(opened.ok, JSON.stringify(opened));
    const cut = await relay(h, {
      op: "append",
      ...relayed,
      uploadId: opened.uploadId,
      offset: 0,
      chunk: encodeBase64(big.subarray(0, RELAY_CHUNK_BYTES)),
    });
    assert.deepEqual(cut, {
      ok: true,
      uploadId: opened.uploadId,
      offset: RELAY_CHUNK_BYTES,
      complete: false,
    });
    // The mail comes again: its hand-off finds the upload and finishes it.
    await send(inbound, mail);
    const [file] = await listed(attachments, first.ticketId, 1);
    assert.equal(file.size, big.length);
  });
});

Deno.test("email attachments - a relay by a service outside the relay table, or for a non-requester, finds no ticket; only the opener appends", async () => {
  await withStack(async ({ h }) => {
    const ticket = await createTicket(h, customerA);
    const open = (service: string, id: string) =>
      relay(h, {
        op: "open",
        service,
        onBehalfOf: { id, role: "customer" },
        ticketId: ticket.id,
        externalId: "x#0",
        fileName: "a.pdf",
        mime: "application/pdf",
        size: PDF.length,
      });
    const fromRouting = await open("routing", customerA.sub);
    assert.deepEqual(fromRouting.ok ? null : fromRouting.code, "ticket_not_found");
    const forStranger = await open("email", "email:mallory@evil.example");
    assert.deepEqual(forStranger.ok ? null : forStranger.code, "ticket_not_found");
    const forRequester = await open("email", customerA.sub);
    assert.ok(forRequester.ok, JSON.stringify(forRequester));
    const appended = await relay(h, {
      op: "append",
      service: "routing",
      onBehalfOf: { id: customerA.sub, role: "customer" },
      uploadId: forRequester.uploadId,
      offset: 0,
      chunk: encodeBase64(PDF),
    });
    assert.deepEqual(appended.ok ? null : appended.code, "upload_not_found");
  });
});
