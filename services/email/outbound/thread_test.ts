import assert from "node:assert/strict";
import { addressOf, foldThread, recipientsOf } from "./thread.ts";
import { commitOf, created, TICKET_ID } from "./testing.ts";

Deno.test("foldThread - a ticket the email service opened is an email ticket to its requester", () => {
  const thread = foldThread([commitOf([created()])]);
  assert.equal(thread?.isEmail, true);
  assert.equal(thread?.recipient, "alice@example.com");
  assert.equal(thread?.number, 17);
});

Deno.test("foldThread - an API ticket is email only when tagged or its channel field says so", () => {
  const api = { actorId: "agent-1", actorRole: "agent" as const };
  assert.equal(foldThread([commitOf([created()], api)])?.isEmail, false);
  assert.equal(foldThread([commitOf([created({ tags: ["channel:email"] })], api)])?.isEmail, true);
  assert.equal(
    foldThread([commitOf([created({ customFields: { channel: "email" } })], api)])?.isEmail,
    true,
  );
});

Deno.test("foldThread - a language field, then a later lang: tag, set the language hint", () => {
  const first = commitOf([created({ customFields: { language: "zh-CN" } })]);
  assert.equal(foldThread([first])?.languageHint, "zh-CN");
  const tagged = commitOf([{
    type: "TicketTagsChanged",
    data: { added: ["lang:en"], removed: [] },
  }]);
  assert.equal(foldThread([first, tagged])?.languageHint, "en");
});

Deno.test("foldThread - erasure is remembered and nothing exists before TicketCreated", () => {
  assert.equal(foldThread([]), null);
  const erased = commitOf([{ type: "TicketContentErased", data: { erasureId: "5" } }]);
  assert.equal(foldThread([commitOf([created()]), erased])?.erased, true);
});

Deno.test("addressOf - reads plain and email: requester ids, refuses anything else", () => {
  assert.equal(addressOf("email:bob@mail.example.org"), "bob@mail.example.org");
  assert.equal(addressOf("bob@example.org"), "bob@example.org");
  assert.equal(addressOf("cust-a"), null);
  assert.equal(addressOf("email:sha256:0123abcd"), null);
  assert.equal(addressOf("a@b"), null);
});

Deno.test("recipientsOf - the requesters of tickets merged in are mailed too, each address once, until the merge is undone", () => {
  const merged = commitOf([{
    type: "TicketMerged",
    data: {
      mergeId: "900",
      sourceId: "41",
      targetId: TICKET_ID,
      tickets: [
        { ticketId: "41", requesterId: "email:bob@example.org" },
        { ticketId: "40", requesterId: "cust-7" },
        { ticketId: "39", requesterId: "email:ALICE@example.com" },
      ],
      statusBefore: "open",
      addedTags: [],
    },
  }]);
  const thread = foldThread([commitOf([created()]), merged])!;
  assert.deepEqual(recipientsOf(thread), ["alice@example.com", "bob@example.org"]);
  const undone = commitOf([{
    type: "TicketUnmerged",
    data: { mergeId: "900", sourceId: "41", targetId: TICKET_ID },
  }]);
  assert.deepEqual(recipientsOf(foldThread([commitOf([created()]), merged, undone])!), [
    "alice@example.com",
  ]);
  // On a ticket that is not an email ticket, only those who wrote in by mail.
  const api = commitOf([created({ requesterId: "plain@example.com" })], {
    actorId: "agent-1",
    actorRole: "agent",
  });
  assert.deepEqual(recipientsOf(foldThread([api, merged])!), [
    "bob@example.org",
    "ALICE@example.com",
  ]);
});
