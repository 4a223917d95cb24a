import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { generateKeyringFile, parseKeyring } from "../crypto/keyring.ts";
import { startTestNats } from "../../tests/support/nats.ts";
import { DataKeys } from "./data_keys.ts";
import { DATA_KEYS_BUCKET, KvDataKeyStore } from "./kv_data_key_store.ts";

async function openStore(url: string) {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const kv = await new Kvm(nc).create(DATA_KEYS_BUCKET, { history: 1 });
  return { nc, store: new KvDataKeyStore(kv, jsm) };
}

/** Every byte the server keeps on disk, as one string to search. */
async function storeBytes(dir: string): Promise<string> {
  const chunks: string[] = [];
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(child);
      else chunks.push(new TextDecoder("latin1").decode(await Deno.readFile(child)));
    }
  };
  await walk(dir);
  return chunks.join("\n");
}

const record = {
  owner: "o1",
  cipher: "A256GCM" as const,
  kek: "k1",
  wrapped: "WRAPPED-KEY-BYTES-0123456789",
  createdAt: "2026-12-03T00:00:00.000Z",
};

Deno.test("KvDataKeyStore - updates only from the revision read; create only when absent", async () => {
  const nats = await startTestNats();
  const { nc, store } = await openStore(nats.url);
  try {
    await store.createKey("acme", "d1", record);
    await assert.rejects(store.createKey("acme", "d1", record));
    const read = await store.getKey("acme", "d1");
    assert.deepEqual(read?.record, record);
    assert.equal(
      await store.updateKey("acme", "d1", { ...record, kek: "k2" }, read!.revision),
      true,
    );
    assert.equal(
      await store.updateKey("acme", "d1", { ...record, kek: "k3" }, read!.revision),
      false,
    );
    assert.equal((await store.getKey("acme", "d1"))?.record.kek, "k2");
    const owner = { current: { id: "d1", cipher: "A256GCM" as const }, keys: ["d1"] };
    assert.equal(await store.putOwner("acme", "o1", owner, 0), true);
    assert.equal(await store.putOwner("acme", "o1", owner, 0), false);
  } finally {
    await nc.close();
    await nats.stop();
  }
});

Deno.test("KvDataKeyStore - a destroyed key is gone from the server's files, not only hidden", async () => {
  const nats = await startTestNats();
  const { nc, store } = await openStore(nats.url);
  try {
    await store.createKey("acme", "d1", record);
    await store.createKey("acme", "d2", { ...record, wrapped: "ANOTHER-CUSTOMERS-KEY-987" });
    await nc.flush();
    assert.ok((await storeBytes(nats.storeDir)).includes(record.wrapped));
    await store.destroyKey("acme", "d1");
    assert.equal(await store.getKey("acme", "d1"), null);
    const bytes = await storeBytes(nats.storeDir);
    assert.ok(!bytes.includes(record.wrapped), "the wrapped key is still on disk");
    assert.ok(bytes.includes("ANOTHER-CUSTOMERS-KEY-987"));
    const listed = [];
    for await (const key of store.listKeys()) listed.push(key.id);
    assert.deepEqual(listed, ["d2"]);
  } finally {
    await nc.close();
    await nats.stop();
  }
});

Deno.test("DataKeys on KV - an erasure in one process empties another process's cache", async () => {
  const nats = await startTestNats();
  const [a, b] = [await openStore(nats.url), await openStore(nats.url)];
  const keyring = parseKeyring(generateKeyringFile());
  const options = { ownerIndexKey: new Uint8Array(32), cacheEntries: 10 };
  const [keysA, keysB] = [
    new DataKeys(a.store, keyring, options),
    new DataKeys(b.store, keyring, options),
  ];
  const stopWatch = await keysB.watch();
  try {
    const key = await keysA.forOwner("acme", "cust-1", "gm");
    assert.deepEqual((await keysB.byId("acme", key.id)).key, key.key);
    assert.equal(await keysA.erase("acme", "cust-1"), 1);
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      refused = await keysB.byId("acme", key.id).then(
        () => false,
        (e) => e.code === "content_erased",
      );
      if (!refused) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(refused, "process B still opened the erased key");
  } finally {
    stopWatch();
    await a.nc.close();
    await b.nc.close();
    await nats.stop();
  }
});
