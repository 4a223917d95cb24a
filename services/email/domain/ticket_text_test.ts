import assert from "node:assert/strict";
import { ticketBody, ticketSubject } from "./ticket_text.ts";

const limits = { maxSubjectChars: 20, maxBodyChars: 100 };

Deno.test("ticketSubject - folds lines, drops control and bidi characters", () => {
  assert.equal(ticketSubject("Re:\r\n  invoice\u202Egnp\u0007", limits), "Re: invoicegnp");
});

Deno.test("ticketSubject - an empty subject reads (no subject); a long one is cut", () => {
  assert.equal(ticketSubject("  \t ", limits), "(no subject)");
  const cut = ticketSubject("x".repeat(50), limits);
  assert.equal([...cut].length, 20);
  assert.ok(cut.endsWith("..."));
});

Deno.test("ticketBody - cuts at the limit in code points, with a mark", () => {
  const body = ticketBody("中".repeat(500), limits);
  assert.equal([...body].length, 100);
  assert.match(body, /cut/);
});

Deno.test("ticketBody - normalises line ends and never comes out empty", () => {
  assert.equal(ticketBody("a\r\nb\rc", limits), "a\nb\nc");
  assert.equal(ticketBody("\u0000 ", limits), "(empty message)");
});
