import assert from "node:assert/strict";
import { messageIdFor } from "./message_ids.ts";
import { isMailboxAddress, replyAddressFor, threadHint } from "./threading.ts";
import { aMail } from "./testing.ts";

const context = {
  tenant: "acme",
  ownDomains: ["help.acme.example"],
  mailboxAddress: "support@acme.example",
};

Deno.test("threadHint - In-Reply-To with our Message-ID names the ticket", () => {
  const parent = messageIdFor("acme", "4242", "77", "help.acme.example");
  const mail = aMail({ inReplyTo: [parent.slice(1, -1)], subject: "Re: [#9] other" });
  assert.deepEqual(threadHint(mail, context), { by: "message_id", ticketId: "4242" });
});

Deno.test("threadHint - References are read newest first and others' ids skipped", () => {
  const older = messageIdFor("acme", "1", "1", "help.acme.example");
  const newer = messageIdFor("acme", "2", "2", "help.acme.example");
  const mail = aMail({ references: [older, "x@gmail.example", newer, "y@gmail.example"] });
  assert.deepEqual(threadHint(mail, context), { by: "message_id", ticketId: "2" });
});

Deno.test("threadHint - another tenant's or another domain's Message-ID names nothing", () => {
  const otherTenant = messageIdFor("globex", "5", "1", "help.acme.example");
  const otherDomain = messageIdFor("acme", "5", "1", "evil.example");
  assert.equal(threadHint(aMail({ inReplyTo: [otherTenant, otherDomain] }), context), null);
});

Deno.test("threadHint - a [#number] token in the subject names the ticket number", () => {
  assert.deepEqual(threadHint(aMail({ subject: "Re: [#1042] Printer" }), context), {
    by: "subject",
    number: 1042,
  });
  assert.equal(threadHint(aMail({ subject: "Re: [#0] Printer" }), context), null);
});

Deno.test("threadHint - a plus-address on the mailbox names the ticket number", () => {
  const mail = aMail({ recipients: ["other@x.example", "Support+77@ACME.example"] });
  assert.deepEqual(threadHint(mail, context), { by: "address", number: 77 });
  const foreign = aMail({ recipients: ["support+77@elsewhere.example"] });
  assert.equal(threadHint(foreign, context), null);
});

Deno.test("replyAddressFor - makes the plus-address that isMailboxAddress accepts", () => {
  const address = replyAddressFor("support@acme.example", 12);
  assert.equal(address, "support+12@acme.example");
  assert.ok(isMailboxAddress(address, "support@acme.example"));
  assert.ok(!isMailboxAddress("supportx@acme.example", "support@acme.example"));
});
