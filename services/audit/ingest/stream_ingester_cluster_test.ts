/**
 * The audit consumer on a 3-node JetStream cluster: its consumer leader is killed (SIGKILL) in
 * the middle of a stream of events. Deliveries lost with the old leader are never acked past:
 * every event becomes exactly one entry, in order, none skipped.
 */
import { deepEqual, ok } from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import postgres from "postgres";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import {
  type PrivateNatsCluster,
  startPrivateNatsCluster,
} from "@ticketd/shared/runtime/private_nats_cluster.ts";
import { publishCommitWithRetries } from "../../../tests/support/cluster_publish.ts";
import { createTestDatabase } from "../../../tests/support/database.ts";
import { AuditStore } from "../store/audit_store.ts";
import { StreamIngester } from "./stream_ingester.ts";

const EVENTS = 1_500;
const KILL_AFTER = 500;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name:
    "audit ingestion - the consumer leader killed mid-stream: every event one entry, none skipped",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const storeRoot = await Deno.makeTempDir({ prefix: "ticketd_audit_cluster_" });
    const cluster = await startCluster(storeRoot);
    const db = await createTestDatabase();
    const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
    const nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1 });
    let ingester: StreamIngester | undefined;
    try {
      await migrate(sql, "audit", new URL("../migrations/", import.meta.url));
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "TICKETS", subjects: ["tickets.>"], num_replicas: 3 });
      ingester = new StreamIngester({
        js,
        jsm,
        store: new AuditStore(sql),
        kind: "tickets",
        stream: "TICKETS",
        batchSize: 50,
        algOf: () => "SHA-256",
        committed: () => {},
        log: createLogger("error", { service: "audit-cluster-test" }),
        stallCheckMs: 1_000,
      });
      await ingester.start();
      let killed: string | undefined;
      for (let i = 0; i < EVENTS; i++) {
        await publishCommitWithRetries(js, {
          commandId: String(10_000 + i),
          ticketId: String(100 + (i % 9)),
          msgID: `c-${i}`,
        });
        if (i === KILL_AFTER) {
          killed = await consumerLeader(jsm, ingester.durable);
          await cluster.node(killed).kill();
        }
      }
      await cluster.node(killed!).start();
      const last = (await jsm.streams.info("TICKETS")).state.last_seq;
      for (let i = 0; i < 400 && ingester.position < last; i++) await pause(50);
      const rows = await sql<{ seq: string }[]>`
        select seq from audit_entries where stream = 'TICKETS' order by seq`;
      deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: last }, (_, i) => i + 1));
      ok(last >= EVENTS, "every publish is stored");
      ok(ingester.reopens >= 1, "the consumer was reopened after its leader died");
    } finally {
      await ingester?.stop();
      await nc.close();
      await sql.end({ timeout: 5 });
      await db.drop();
      await cluster.stop();
      await Deno.remove(storeRoot, { recursive: true }).catch(() => {});
    }
  },
});

/** A cluster; started again once if a port it picked was taken meanwhile (tests run in parallel). */
async function startCluster(storeRoot: string): Promise<PrivateNatsCluster> {
  try {
    return await startPrivateNatsCluster({ storeRoot });
  } catch {
    await Deno.remove(storeRoot, { recursive: true });
    await Deno.mkdir(storeRoot);
    return await startPrivateNatsCluster({ storeRoot });
  }
}

/** The consumer's leader, once it has one (it is elected after the consumer is created). */
async function consumerLeader(jsm: JetStreamManager, durable: string): Promise<string> {
  for (let i = 0;; i++) {
    const leader = await jsm.consumers.info("TICKETS", durable).then(
      (info) => info.cluster?.leader,
      () => undefined,
    );
    if (leader) return leader;
    if (i > 100) throw new Error(`consumer ${durable} has no leader`);
    await pause(50);
  }
}
