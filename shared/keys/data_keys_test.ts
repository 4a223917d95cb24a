import assert from "node:assert/strict";
import { addKek, generateKeyringFile, parseKeyring } from "../crypto/keyring.ts";
import { parseTenantProfiles } from "../crypto/profiles.ts";
import { MemoryDataKeyStore } from "./data_key_store.ts";
import { DataKeys } from "./data_keys.ts";
import { memoryEnvelope } from "./testing.ts";

const scope = { tenant: "acme", ticketId: "1", ownerId: "cust-1" };
const bothProfiles = parseTenantProfiles("intl", "gmcorp=gm");

Deno.test("DataKeys.rewrap - a new KEK re-wraps data keys; bodies stay byte-identical", async () => {
  const file = generateKeyringFile();
  const store = new MemoryDataKeyStore();
  const old = memoryEnvelope(parseKeyring(file), bothProfiles, store);
  const sealed = [
    await old.envelope.seal("intl words", scope),
    await old.envelope.seal("gm words", { ...scope, tenant: "gmcorp" }),
  ];
  assert.deepEqual(await old.dataKeys.usage(), { k1: 1, g1: 1 });

  const rotated = addKek(addKek(file, "intl", "k2"), "gm", "g2");
  const during = memoryEnvelope(parseKeyring(rotated), bothProfiles, store);
  assert.equal(await during.envelope.open(sealed[0], scope), "intl words"); // k1 still opens
  const progress = await during.dataKeys.rewrap();
  assert.deepEqual(progress, { checked: 2, rewrapped: 2 });
  assert.deepEqual(await during.dataKeys.usage(), { k2: 1, g2: 1 });

  const { k1: _k1, g1: _g1, ...kept } = rotated.keys;
  const retired = memoryEnvelope(parseKeyring({ ...rotated, keys: kept }), bothProfiles, store);
  assert.equal(await retired.envelope.open(sealed[0], scope), "intl words");
  assert.equal(await retired.envelope.open(sealed[1], { ...scope, tenant: "gmcorp" }), "gm words");
  assert.deepEqual(await retired.dataKeys.rewrap(), { checked: 2, rewrapped: 0 });
});

Deno.test("DataKeys - retiring a KEK before the rewrap fails loudly, never silently", async () => {
  const file = generateKeyringFile();
  const store = new MemoryDataKeyStore();
  const sealed = await memoryEnvelope(parseKeyring(file), undefined, store).envelope.seal(
    "t",
    scope,
  );
  const rotated = addKek(file, "intl", "k2");
  const { k1: _k1, ...kept } = rotated.keys;
  const early = memoryEnvelope(parseKeyring({ ...rotated, keys: kept }), undefined, store);
  await assert.rejects(early.envelope.open(sealed, scope), { code: "unknown_kek" });
});

Deno.test("DataKeys.forOwner - two processes racing for a new customer agree on one key", async () => {
  const keyring = parseKeyring(generateKeyringFile());
  const store = new MemoryDataKeyStore();
  const options = { ownerIndexKey: new Uint8Array(32), cacheEntries: 10 };
  const [a, b] = [new DataKeys(store, keyring, options), new DataKeys(store, keyring, options)];
  const keys = await Promise.all([
    a.forOwner("acme", "cust-1", "intl"),
    b.forOwner("acme", "cust-1", "intl"),
    a.forOwner("acme", "cust-1", "intl"),
  ]);
  assert.equal(new Set(keys.map((k) => k.id)).size, 1);
  assert.deepEqual(await a.usage(), { k1: 1 }); // the loser's key was destroyed
});

Deno.test("DataKeys - another process drops an erased key from its cache at once", async () => {
  const keyring = parseKeyring(generateKeyringFile());
  const store = new MemoryDataKeyStore();
  const options = { ownerIndexKey: new Uint8Array(32), cacheEntries: 10 };
  const [a, b] = [new DataKeys(store, keyring, options), new DataKeys(store, keyring, options)];
  await b.watch();
  const key = await a.forOwner("acme", "cust-1", "intl");
  await b.byId("acme", key.id); // cached in b
  await a.erase("acme", "cust-1");
  await assert.rejects(b.byId("acme", key.id), { code: "content_erased" });
});

Deno.test("parseKeyring - refuses an SM2 key pair that does not belong together", () => {
  const file = generateKeyringFile();
  const other = generateKeyringFile().keys.g1 as { publicKey: string };
  const g1 = { ...(file.keys.g1 as object), publicKey: other.publicKey } as typeof file.keys.g1;
  assert.throws(() => parseKeyring({ ...file, keys: { ...file.keys, g1 } }), {
    code: "invalid_keyring",
  });
  assert.throws(() => parseKeyring({ ...file, active: { gm: "k1" } }), { code: "invalid_keyring" });
});

Deno.test("DataKeys - a process still on a retired KEK makes no new data key under it", async () => {
  const store = new MemoryDataKeyStore();
  const { envelope } = memoryEnvelope(undefined, undefined, store);
  await envelope.seal("an existing customer", scope);
  store.retiredKeks.add("k1");
  assert.equal(await envelope.seal("still fine: their key exists", scope) !== "", true);
  await assert.rejects(envelope.seal("new customer", { ...scope, ownerId: "cust-new" }), {
    code: "kek_retired",
    status: 503,
  });
});
