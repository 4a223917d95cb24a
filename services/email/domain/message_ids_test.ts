import assert from "node:assert/strict";
import { messageIdFor, ticketOfMessageId } from "./message_ids.ts";

Deno.test("messageIdFor - names tenant, ticket and event inside angle brackets", () => {
  assert.equal(
    messageIdFor("demo", "1234567890123", "98765", "Mail.Example.COM"),
    "<ticketd.demo.1234567890123.98765@mail.example.com>",
  );
});

Deno.test("ticketOfMessageId - reads back what messageIdFor wrote", () => {
  const id = messageIdFor("acme_eu-1", "42", "777-2", "acme.example");
  assert.deepEqual(ticketOfMessageId(id), {
    tenant: "acme_eu-1",
    ticketId: "42",
    eventId: "777-2",
    domain: "acme.example",
  });
});

Deno.test("ticketOfMessageId - accepts an id without brackets or with surrounding space", () => {
  assert.equal(ticketOfMessageId("  ticketd.demo.42.7@x.example ")?.ticketId, "42");
});

Deno.test("ticketOfMessageId - is null for other senders' and malformed ids", () => {
  for (
    const id of [
      "<CAF=abc@mail.gmail.com>",
      "<ticketd.demo.0.7@x.example>",
      "<ticketd.Demo.42@x.example>",
      "<ticketd.demo.42.7@x@y>",
      "",
    ]
  ) {
    assert.equal(ticketOfMessageId(id), null, id);
  }
});

Deno.test("messageIdFor - refuses parts that would make an ambiguous or invalid id", () => {
  assert.throws(() => messageIdFor("de.mo", "42", "7", "x.example"), RangeError);
  assert.throws(() => messageIdFor("demo", "042", "7", "x.example"), RangeError);
  assert.throws(() => messageIdFor("demo", "42", "7.1", "x.example"), RangeError);
  assert.throws(() => messageIdFor("demo", "42", "7", "x..example"), RangeError);
});
