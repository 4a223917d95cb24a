/**
 * Mail attachments and inline images handed to the attachments service (tus, as the requester),
 * end to end: nodemailer sends a mail with a PDF and an inline PNG; both end up as the ticket's
 * attachments, stored, scanned and announced by the attachments service on a real s3rver.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import nodemailer from "nodemailer";
import { eventually } from "./support/routing_harness.ts";
import { startAttachments } from "./support/attachments_harness.ts";
import { startHarness, supervisorA } from "./support/tickets_harness.ts";
import { startInbound } from "../services/email/testing/inbound_harness.ts";

const PDF = new TextEncoder().encode(`%PDF-1.7\n${"invoice line\n".repeat(500)}%%EOF\n`);
// The smallest valid PNG: signature, IHDR, IDAT, IEND.
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

Deno.test("email attachments - a mail's file and inline image become the ticket's attachments", async () => {
  const h = await startHarness();
  const attachments = await startAttachments(h);
  const inbound = await startInbound(h, [{
    tenant: "acme",
    address: "support@acme.example",
    imap: null,
  }], { attachmentsUrl: attachments.url });
  try {
    await nodemailer.createTransport({
      host: "127.0.0.1",
      port: inbound.service.smtpPort!,
      secure: false,
      ignoreTLS: true,
    }).sendMail({
      from: "ann@customer.example",
      to: "support@acme.example",
      subject: "invoice",
      text: "see attached",
      html: '<p>see attached <img src="cid:logo@ann"></p>',
      attachments: [
        { filename: "发票.pdf", content: Buffer.from(PDF), contentType: "application/pdf" },
        {
          filename: "logo.png",
          content: Buffer.from(PNG),
          contentType: "image/png",
          cid: "logo@ann",
        },
      ],
    });
    const outcome = await inbound.nth(1);
    assert.equal(outcome.kind, "created");
    if (outcome.kind !== "created") return;
    const listed = await eventually("both attachments", async () => {
      const response = await attachments.call(
        supervisorA,
        "GET",
        `/v1/attachments?ticketId=${outcome.ticketId}`,
      );
      const json = await response.json() as { attachments: { fileName: string; mime: string }[] };
      return json.attachments.length === 2 ? json.attachments : undefined;
    });
    assert.deepEqual(listed.map((a) => [a.fileName, a.mime]).sort(), [
      ["logo.png", "image/png"],
      ["发票.pdf", "application/pdf"],
    ]);
  } finally {
    await inbound.stop();
    await attachments.stop();
    await h.stop();
  }
});
