import assert from "node:assert/strict";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { similarTokenHasher } from "./token_hasher.ts";

const key = new Uint8Array(32).fill(7);

Deno.test("similarTokenHasher - one word hashes alike in a tenant and differently across tenants", () => {
  const hash = similarTokenHasher(key, parseTenantProfiles("intl"));
  assert.equal(hash("acme", "namenode"), hash("acme", "namenode"));
  assert.notEqual(hash("acme", "namenode"), hash("globex", "namenode"));
  assert.ok(Number.isInteger(hash("acme", "崩溃")) && hash("acme", "崩溃") >= 0);
  assert.ok(hash("acme", "崩溃") < 2 ** 32);
});

Deno.test("similarTokenHasher - a gm tenant hashes with HMAC-SM3, not SipHash", () => {
  const intl = similarTokenHasher(key, parseTenantProfiles("intl"));
  const gm = similarTokenHasher(key, parseTenantProfiles("intl", "acme=gm"));
  assert.equal(gm("globex", "disk"), intl("globex", "disk"));
  assert.notEqual(gm("acme", "disk"), intl("acme", "disk"));
});

Deno.test("similarTokenHasher - another search key gives other hashes", () => {
  const one = similarTokenHasher(key, parseTenantProfiles("intl"), 0);
  const other = similarTokenHasher(new Uint8Array(32).fill(8), parseTenantProfiles("intl"), 0);
  assert.notEqual(one("acme", "disk"), other("acme", "disk"));
});
