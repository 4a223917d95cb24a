/**
 * One suite, run against every adapter of the event store port: the in-memory one used by pure
 * tests must keep the same promises as JetStream.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ConcurrencyError } from "@ticketd/shared/errors.ts";
import { ensureStream, JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import { MemoryEventStore } from "@ticketd/shared/eventstore/memory.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { startTestNats } from "./support/nats.ts";

type Adapter = { name: string; open(): Promise<{ store: EventStore; close(): Promise<void> }> };

const adapters: Adapter[] = [
  {
    name: "memory",
    open: () => Promise.resolve({ store: new MemoryEventStore(), close: () => Promise.resolve() }),
  },
  {
    name: "jetstream",
    async open() {
      const nats = await startTestNats();
      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, { name: "CONTRACT", subjects: ["c.>"], duplicateWindowMs: 60_000 });
      return {
        store: new JetStreamEventStore(jetstream(nc), jsm, "CONTRACT"),
        close: async () => {
          await nc.close();
          await nats.stop();
        },
      };
    },
  },
];

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

for (const adapter of adapters) {
  const test = (behaviour: string, fn: (store: EventStore) => Promise<void>) =>
    Deno.test(`EventStore (${adapter.name}) - ${behaviour}`, async () => {
      const { store, close } = await adapter.open();
      try {
        await fn(store);
      } finally {
        await close();
      }
    });

  test("appends to an empty subject at version 0 and reads back in order", async (store) => {
    const a = await store.append("c.t.1", bytes("a"), { expectedVersion: 0, messageId: "m1" });
    const b = await store.append("c.t.1", bytes("b"), {
      expectedVersion: a.version,
      messageId: "m2",
    });
    assert.ok(b.version > a.version);
    const read = await store.readSubject("c.t.1");
    assert.deepEqual(read.map((m) => text(m.data)), ["a", "b"]);
    assert.deepEqual((await store.readSubject("c.t.1", a.version)).map((m) => text(m.data)), ["b"]);
  });

  test("refuses an append at a stale version with the actual version", async (store) => {
    const a = await store.append("c.t.1", bytes("a"), { expectedVersion: 0, messageId: "m1" });
    await assert.rejects(
      store.append("c.t.1", bytes("x"), { expectedVersion: 0, messageId: "m2" }),
      (e) => e instanceof ConcurrencyError && e.actualVersion === a.version,
    );
  });

  test("of many concurrent appends at one version exactly one wins", async (store) => {
    const results = await Promise.allSettled(
      Array.from(
        { length: 10 },
        (_, i) => store.append("c.t.9", bytes(`${i}`), { expectedVersion: 0, messageId: `r${i}` }),
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal((await store.readSubject("c.t.9")).length, 1);
  });

  // The JetStream adapter publishes the appends of one event-loop turn together.
  test("appends started together each get their own version, and a repeat among them its first", async (store) => {
    const appends = Array.from(
      { length: 50 },
      (_, i) => store.append(`c.b.${i}`, bytes(`${i}`), { expectedVersion: 0, messageId: `b${i}` }),
    );
    const repeat = store.append("c.b.x", bytes("0"), { expectedVersion: 0, messageId: "b0" });
    const results = await Promise.all(appends);
    assert.equal(new Set(results.map((r) => r.version)).size, 50);
    assert.ok(results.every((r) => !r.duplicate));
    assert.deepEqual(await repeat, { version: results[0].version, duplicate: true });
    for (const [i, r] of results.entries()) {
      assert.deepEqual(
        (await store.readSubject(`c.b.${i}`)).map((m) => [m.version, text(m.data)]),
        [
          [r.version, `${i}`],
        ],
      );
    }
  });

  test("a repeated message id is not stored again and reports the original version", async (store) => {
    const first = await store.append("c.t.1", bytes("a"), {
      expectedVersion: 0,
      messageId: "same",
    });
    const again = await store.append("c.t.2", bytes("a"), {
      expectedVersion: 0,
      messageId: "same",
    });
    assert.deepEqual(again, { version: first.version, duplicate: true });
    assert.equal((await store.readSubject("c.t.2")).length, 0);
  });

  test("keeps headers and reads a message by version", async (store) => {
    const { version } = await store.append("c.t.1", bytes("a"), {
      expectedVersion: 0,
      messageId: "m",
      headers: { "Ticketd-Request-Fingerprint": "fp" },
    });
    const message = await store.readAt(version);
    assert.equal(message?.subject, "c.t.1");
    assert.equal(message?.headers["Ticketd-Request-Fingerprint"], "fp");
    assert.equal(await store.readAt(version + 100), null);
  });

  test("subjects are independent", async (store) => {
    await store.append("c.t.1", bytes("a"), { expectedVersion: 0, messageId: "m1" });
    await store.append("c.t.2", bytes("b"), { expectedVersion: 0, messageId: "m2" });
    assert.deepEqual((await store.readSubject("c.t.2")).map((m) => text(m.data)), ["b"]);
  });
}
