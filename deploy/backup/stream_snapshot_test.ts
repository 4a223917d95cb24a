import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startTestNats } from "../../tests/support/nats.ts";
import { restoreStream, SnapshotError, snapshotStream } from "./stream_snapshot.ts";

const OPTIONS = { chunkBytes: 4096, timeoutMs: 10_000, finishTimeoutMs: 60_000 };

async function withTwoServers(
  fn: (from: NatsConnection, to: NatsConnection, dir: string) => Promise<void>,
) {
  const a = await startTestNats();
  const b = await startTestNats();
  const dir = await Deno.makeTempDir({ prefix: "ticketd_snapshot_" });
  const from = await connect({ servers: a.url });
  const to = await connect({ servers: b.url });
  try {
    await fn(from, to, dir);
  } finally {
    await from.close();
    await to.close();
    await a.stop();
    await b.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("snapshotStream/restoreStream - many chunks come back at the same sequences, subjects and bytes", async () => {
  await withTwoServers(async (from, to, dir) => {
    const jsm = await jetstreamManager(from);
    await jsm.streams.add({ name: "T", subjects: ["t.>"], allow_direct: true });
    const js = jetstream(from);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      sent.push(crypto.getRandomValues(new Uint8Array(1000)));
      await js.publish(`t.${i % 7}`, sent[i]);
    }
    await jsm.streams.purge("T", { filter: "t.0", keep: 1 }); // holes: sequences are not dense
    const chunks: number[] = [];
    const file = join(dir, "T.tar.s2");
    const meta = await snapshotStream(from, "T", file, {
      ...OPTIONS,
      progress: (bytes) => chunks.push(bytes),
    });
    assert.ok(chunks.length > 10, `${chunks.length} chunks, each acknowledged`);
    const state = await restoreStream(to, meta, file, OPTIONS);
    assert.equal(state.last_seq, 300);
    assert.equal(state.messages, meta.state.messages);
    const before = await jsm.streams.get("T");
    const after = await (await jetstreamManager(to)).streams.get("T");
    for (const seq of [1, 2, 150, 299, 300]) {
      const [was, is] = await Promise.all([
        before.getMessage({ seq }).catch(() => null),
        after.getMessage({ seq }).catch(() => null),
      ]);
      assert.equal(is?.subject, was?.subject, `seq ${seq}`);
      assert.deepEqual(is?.data, was?.data, `seq ${seq}`);
    }
    const last = await after.getMessage({ last_by_subj: "t.3" });
    assert.deepEqual(last?.data, sent[297]);
  });
});

Deno.test("snapshotStream - a stream that does not exist is a SnapshotError naming it", async () => {
  await withTwoServers(async (from, _to, dir) => {
    await assert.rejects(
      snapshotStream(from, "MISSING", join(dir, "m.tar.s2"), OPTIONS),
      (error) => error instanceof SnapshotError && /MISSING: stream not found/.test(error.message),
    );
  });
});

Deno.test("restoreStream - the server refuses to restore over a stream that exists", async () => {
  await withTwoServers(async (from, to, dir) => {
    await (await jetstreamManager(from)).streams.add({ name: "T", subjects: ["t.>"] });
    await jetstream(from).publish("t.1", "x");
    const file = join(dir, "T.tar.s2");
    const meta = await snapshotStream(from, "T", file, OPTIONS);
    await (await jetstreamManager(to)).streams.add({ name: "T", subjects: ["t.>"] });
    await assert.rejects(
      restoreStream(to, meta, file, OPTIONS),
      (error) => error instanceof SnapshotError && /^T: .*already in use/.test(error.message),
    );
  });
});
