import assert from "node:assert/strict";
import { memoryEnvelope } from "../keys/testing.ts";
import { Envelope } from "./envelope.ts";
import { parseTenantProfiles } from "./profiles.ts";

const acme1 = { tenant: "acme", ticketId: "1", ownerId: "cust-1" };

Deno.test("Envelope - text sealed for a ticket opens byte-for-byte on that ticket", async () => {
  const { envelope } = memoryEnvelope();
  const text = "崩溃 when saving 💾 <script>alert(1)</script>\r\n\ttab";
  const sealed = await envelope.seal(text, acme1);
  assert.match(sealed, /^enc:v2:A256GCM:[A-Za-z0-9_-]{16}:/);
  assert.ok(!sealed.includes("崩溃") && !sealed.includes("script"));
  assert.equal(await envelope.open(sealed, acme1), text);
});

Deno.test("Envelope - the same text sealed twice gives different ciphertexts", async () => {
  const { envelope } = memoryEnvelope();
  assert.notEqual(await envelope.seal("same", acme1), await envelope.seal("same", acme1));
});

Deno.test("Envelope - one customer's texts share their data key; another's get another", async () => {
  const { envelope } = memoryEnvelope();
  const keyOf = (sealed: string) => sealed.split(":")[3];
  const first = await envelope.seal("a", acme1);
  const second = await envelope.seal("b", { ...acme1, ticketId: "2" });
  const other = await envelope.seal("c", { ...acme1, ownerId: "cust-2" });
  assert.equal(keyOf(first), keyOf(second));
  assert.notEqual(keyOf(first), keyOf(other));
});

Deno.test("Envelope - a ciphertext moved to another ticket or tenant does not open", async () => {
  const { envelope } = memoryEnvelope();
  const sealed = await envelope.seal("secret", acme1);
  await assert.rejects(envelope.open(sealed, { tenant: "acme", ticketId: "2" }), {
    code: "decryption_failed",
  });
  await assert.rejects(envelope.open(sealed, { tenant: "globex", ticketId: "1" }), {
    code: "content_erased", // globex has no such data key at all
  });
});

Deno.test("Envelope - a tampered ciphertext or header is refused", async () => {
  const { envelope } = memoryEnvelope();
  const sealed = await envelope.seal("secret", acme1);
  const flipped = sealed.slice(0, -3) + (sealed.at(-3) === "A" ? "B" : "A") + sealed.slice(-2);
  await assert.rejects(envelope.open(flipped, acme1), { code: "decryption_failed" });
  const relabelled = sealed.replace("A256GCM", "SM4GCM");
  await assert.rejects(envelope.open(relabelled, acme1), { code: "decryption_failed" });
  await assert.rejects(envelope.open("plain text", acme1), { code: "decryption_failed" });
});

Deno.test("Envelope - a gm tenant seals with SM4-GCM under an SM2-wrapped key", async () => {
  const { envelope, store } = memoryEnvelope(undefined, parseTenantProfiles("intl", "acme=gm"));
  const sealed = await envelope.seal("国密 text", acme1);
  assert.match(sealed, /^enc:v2:SM4GCM:/);
  assert.equal(await envelope.open(sealed, acme1), "国密 text");
  const stored = await store.getKey("acme", sealed.split(":")[3]);
  assert.equal(stored?.record.kek, "g1");
  assert.match(await envelope.seal("x", { ...acme1, tenant: "globex" }), /^enc:v2:A256GCM:/);
});

Deno.test("Envelope - after a tenant moves to gm, its intl ciphertexts still open", async () => {
  const setup = memoryEnvelope();
  const before = await setup.envelope.seal("written under intl", acme1);
  const gm = new Envelope(setup.dataKeys, parseTenantProfiles("gm"));
  const after = await gm.seal("written under gm", acme1);
  assert.match(after, /^enc:v2:SM4GCM:/);
  assert.equal(await gm.open(before, acme1), "written under intl");
  assert.equal(await setup.envelope.open(after, acme1), "written under gm");
});

Deno.test("Envelope - erasing a customer makes their text unreadable and only theirs", async () => {
  const { envelope, dataKeys } = memoryEnvelope();
  const theirs = await envelope.seal("mine", acme1);
  const others = await envelope.seal("yours", { ...acme1, ownerId: "cust-2" });
  assert.equal(await dataKeys.erase("acme", "cust-1"), 1);
  await assert.rejects(envelope.open(theirs, acme1), { code: "content_erased", status: 410 });
  assert.equal(await envelope.openUnlessErased(theirs, acme1), null);
  assert.equal(await envelope.open(others, acme1), "yours");
});
