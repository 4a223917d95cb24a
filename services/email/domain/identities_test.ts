import assert from "node:assert/strict";
import { externalIdFor, replyKeyFor, requesterIdFor } from "./identities.ts";
import { aMail } from "./testing.ts";

Deno.test("requesterIdFor - a plain address becomes an email: principal, lower-cased", () => {
  assert.equal(requesterIdFor("Ann@Customer.example"), "email:ann@customer.example");
});

Deno.test("requesterIdFor - an address no principal can hold is hashed, stably", () => {
  const odd = 'o\'brien/"quoted"@customer.example';
  assert.match(requesterIdFor(odd), /^email:sha256:[0-9a-f]{40}$/);
  assert.equal(requesterIdFor(odd), requesterIdFor(odd.toUpperCase()));
});

Deno.test("requesterIdFor - an address that is not one plain address is hashed too", () => {
  for (const broken of ["broken@@customer.example", "@customer.example", "ann@", "a@b@c.example"]) {
    assert.match(requesterIdFor(broken), /^email:sha256:[0-9a-f]{40}$/, broken);
  }
  assert.equal(
    requesterIdFor("ann.o+x@sub.customer.example"),
    "email:ann.o+x@sub.customer.example",
  );
});

Deno.test("externalIdFor - the id is email: and 48 hex digits (192 bits of a SHA-256)", () => {
  assert.match(externalIdFor("support@acme.example", aMail()), /^email:[0-9a-f]{48}$/);
});

Deno.test("externalIdFor - same mailbox and Message-ID give the same id, whatever else differs", () => {
  const a = externalIdFor("support@acme.example", aMail({ contentHash: "1".repeat(64) }));
  const b = externalIdFor("SUPPORT@acme.example", aMail({ contentHash: "2".repeat(64) }));
  assert.equal(a, b);
  assert.notEqual(a, externalIdFor("sales@acme.example", aMail()));
});

Deno.test("externalIdFor - without a Message-ID the content hash is the identity", () => {
  const one = externalIdFor("s@a.example", aMail({ messageId: null, contentHash: "1".repeat(64) }));
  const two = externalIdFor("s@a.example", aMail({ messageId: null, contentHash: "2".repeat(64) }));
  assert.notEqual(one, two);
  assert.ok(one.length <= 256);
});

Deno.test("replyKeyFor - differs from the external id and repeats for the same mail", () => {
  assert.equal(replyKeyFor("s@a.example", aMail()), replyKeyFor("s@a.example", aMail()));
  assert.notEqual(replyKeyFor("s@a.example", aMail()), externalIdFor("s@a.example", aMail()));
});
