import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { keyedHash, tenantKeyedHash } from "./keyed_hash.ts";
import { parseTenantProfiles } from "./profiles.ts";

const key = new Uint8Array(32).fill(1);

Deno.test("keyedHash - intl is HMAC-SHA-256 of the NUL-joined parts, base64url", () => {
  const expected = createHmac("sha256", key).update("a\u0000bc").digest("base64url");
  assert.equal(keyedHash("intl", key, ["a", "bc"]), expected);
  assert.notEqual(keyedHash("intl", key, ["a", "bc"]), keyedHash("intl", key, ["ab", "c"]));
});

Deno.test("tenantKeyedHash - a gm tenant's hashes are HMAC-SM3, other tenants' HMAC-SHA-256", () => {
  const hash = tenantKeyedHash(key, parseTenantProfiles("intl", "acme=gm"));
  assert.equal(hash("acme", "x"), keyedHash("gm", key, ["x"]));
  assert.equal(hash("globex", "x"), keyedHash("intl", key, ["x"]));
  assert.notEqual(hash("acme", "x"), hash("globex", "x"));
});
