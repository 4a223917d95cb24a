import assert from "node:assert/strict";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { memoryEnvelope } from "@ticketd/shared/keys/testing.ts";
import { AttachmentKeys } from "./attachment_keys.ts";
import { openSegment, sealSegment } from "./crypto/segments.ts";

const scope = { tenant: "acme", ticketId: "100", requesterId: "cust-1", attachmentId: "7" };

Deno.test("a created key reopens from its sealed form and opens what it sealed", async () => {
  const profiles = parseTenantProfiles("intl", "acme=gm");
  const { envelope } = memoryEnvelope(undefined, profiles);
  const keys = new AttachmentKeys(envelope, profiles);
  const { key, sealedKey } = await keys.create(scope);
  assert.equal(key.cipher, "SM4GCM");
  assert.match(sealedKey, /^enc:/);
  assert.ok(!sealedKey.includes(btoa(String.fromCharCode(...key.key))));
  const again = await keys.open(scope, sealedKey);
  const sealed = sealSegment(key, 0, new Uint8Array([1, 2, 3]), true);
  assert.deepEqual(new Uint8Array(openSegment(again, 0, sealed, true)), new Uint8Array([1, 2, 3]));
});

Deno.test("a sealed key moved to another ticket does not open", async () => {
  const { envelope } = memoryEnvelope();
  const keys = new AttachmentKeys(envelope, parseTenantProfiles("intl"));
  const { sealedKey } = await keys.create(scope);
  await assert.rejects(() => keys.open({ ...scope, ticketId: "101" }, sealedKey));
});
