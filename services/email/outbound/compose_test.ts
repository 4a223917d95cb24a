import assert from "node:assert/strict";
import { bareSubject, composeMail } from "./compose.ts";
import { plannedMails } from "./mail_plan.ts";
import { renderMail } from "./templates.ts";
import { foldThread } from "./thread.ts";
import { commitOf, created, posted } from "./testing.ts";

const ALL = { created: true, solved: true };
const sender = {
  from: { name: "Acme Support", address: "help@acme.example" },
  domain: "acme.example",
};
const thread = { ...foldThread([commitOf([created()])])!, recipient: "alice@example.com" };
const rendered = renderMail("reply", "en", {
  number: "17",
  subject: "Printer",
  body: "Hi",
  sender: "Acme",
  survey: "",
});
const [ack] = plannedMails(commitOf([created()]), 1, ALL);
const [reply] = plannedMails(commitOf([posted("777", { id: "agent-1", role: "agent" })]), 5, ALL);

Deno.test("composeMail - a reply answers the customer's latest mail and refers back to the first", () => {
  const mail = composeMail(
    thread,
    reply,
    {
      earlier: [ack],
      customerIds: ["<first@mail.example.com>", "<second@mail.example.com>"],
    },
    rendered,
    sender,
  );
  assert.equal(mail.messageId, "<ticketd.acme.4242.777@acme.example>");
  assert.equal(mail.inReplyTo, "<second@mail.example.com>");
  assert.deepEqual(mail.references, [
    "<first@mail.example.com>",
    "<ticketd.acme.4242.9001-0@acme.example>",
    "<second@mail.example.com>",
  ]);
  assert.equal(mail.to, "alice@example.com");
  assert.equal(mail.replyTo, "help+17@acme.example");
  assert.equal(mail.subject, "Re: Printer [#17]");
  assert.equal(mail.headers["Auto-Submitted"], undefined);
});

Deno.test("composeMail - without customer ids it answers our latest mail; the first has none", () => {
  const mail = composeMail(thread, reply, { earlier: [ack], customerIds: [] }, rendered, sender);
  assert.equal(mail.inReplyTo, "<ticketd.acme.4242.9001-0@acme.example>");
  const first = composeMail(thread, ack, { earlier: [], customerIds: [] }, rendered, sender);
  assert.equal(first.inReplyTo, undefined);
  assert.deepEqual(first.references, []);
  assert.equal(first.headers["Auto-Submitted"], "auto-replied");
});

Deno.test("composeMail - long threads keep the root and the latest references", () => {
  const earlier = Array.from(
    { length: 40 },
    (_, i) => ({ ...reply, seq: i, eventId: String(i + 1) }),
  );
  const mail = composeMail(
    thread,
    reply,
    { earlier, customerIds: ["<root@x.example>"] },
    rendered,
    sender,
  );
  assert.equal(mail.references.length, 20);
  assert.equal(mail.references[0], "<root@x.example>");
  assert.equal(mail.references.at(-1), "<ticketd.acme.4242.40@acme.example>");
});

Deno.test("composeMail - ids that are not Message-IDs are left out", () => {
  const mail = composeMail(
    thread,
    reply,
    { earlier: [], customerIds: ["no-brackets@x", "<a b@x>"] },
    rendered,
    sender,
  );
  assert.deepEqual(mail.references, []);
});

Deno.test("bareSubject - drops reply prefixes and old ticket tokens", () => {
  assert.equal(bareSubject("Re: RE: [#17] Printer"), "Printer");
  assert.equal(bareSubject("回复： 打印机 [#17]"), "打印机");
  assert.equal(bareSubject("Invoice [#17] overdue"), "Invoice overdue");
});
