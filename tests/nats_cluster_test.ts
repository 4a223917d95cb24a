/**
 * The tickets service on a three-node JetStream cluster: a burst of creations while the TICKETS
 * leader is killed with SIGKILL. What was acknowledged must be stored once and projected, and
 * every node's copy must converge once the killed node is back. Runs on the nats-server found
 * (2.9.10 here); deploy/README.md says what that version does and does not guarantee.
 *
 * Twice: once killing the TICKETS leader, once the projector consumer's leader. Part of the
 * normal suite, bounded: each burst must end within two minutes and the read model catch up
 * within 20 s (about 20 s per test in all on 2 cores). What it found before the service survived
 * a node loss, and what holds now, is in deploy/README.md ("Failover").
 * @module
 */
import assert from "node:assert/strict";
import type { JetStreamManager } from "@nats-io/jetstream";
import {
  type ClusterNode,
  type PrivateNatsCluster,
  startPrivateNatsCluster,
} from "@ticketd/shared/runtime/private_nats_cluster.ts";
import { natsServerVersion } from "@ticketd/shared/runtime/private_nats.ts";
import { agentA, type Harness, startHarness, ticketBody } from "./support/tickets_harness.ts";

const CREATIONS = 3_000;
const CONCURRENCY = 24;
/** The leader is killed once this many creations were acknowledged. */
const KILL_AFTER_ACKED = 1_000;
/** A client retries a failed creation with the same Idempotency-Key, as a real one would. */
const ATTEMPTS = 10;
const RETRY_PAUSE_MS = 1_000;
/** Less than the consumer's ack wait (30 s): a stalled consumer must be noticed, not waited out. */
const READ_MODEL_CATCH_UP_MS = 20_000;
/** Workers take no new creation after this; a burst cut short fails the test. */
const BURST_DEADLINE_MS = 120_000;
const REPLICAS = 3;

interface BurstResult {
  /** Ticket ids of the creations that got a 2xx, by idempotency key. */
  acked: Map<string, string>;
  /** Keys that got no 2xx in any attempt, with the last answer. */
  failed: Map<string, string>;
  /** Every failed attempt's answer (`500 internal_error`, ...) and how often. */
  failedAttempts: Map<string, number>;
}

/** Whose leader is killed: the TICKETS stream's, or the projector consumer's (its leader may
 * sit on another node; the new one counts deliveries lost with the old one as sent). */
type Victim = "stream" | "consumer";

Deno.test({
  name: "nats cluster - kill -9 of the TICKETS leader mid-burst loses no acked ticket, " +
    "makes none twice, and every copy converges when the node returns",
  sanitizeOps: false, // the client's reconnect timers outlive a killed server by design
  sanitizeResources: false,
  fn: () => failover("stream"),
});

Deno.test({
  name: "nats cluster - kill -9 of the projector consumer's leader mid-burst: the read model " +
    "still gets every acked ticket once, without waiting out redelivery",
  sanitizeOps: false, // the client's reconnect timers outlive a killed server by design
  sanitizeResources: false,
  fn: () => failover("consumer"),
});

async function failover(victim: Victim): Promise<void> {
  const storeRoot = await Deno.makeTempDir({ prefix: "ticketd_cluster_" });
  const cluster = await startPrivateNatsCluster({ storeRoot });
  let h: Harness | undefined;
  try {
    h = await startHarness(
      { TICKETD_STREAM_REPLICAS: String(REPLICAS) },
      { natsUrl: cluster.urls.join(",") },
    );
    await replicateEveryStream(h.jsm);
    const result = await burstWithLeaderKill(h, cluster, victim);
    const killed = cluster.nodes.find((n) => !n.running)!;
    await killed.start();
    await assertNothingLostOrTwice(h, result);
    await assertCopiesConverge(h, cluster.nodes);
  } finally {
    await h?.stop();
    await cluster.stop();
    await Deno.remove(storeRoot, { recursive: true }).catch(() => {});
  }
}

/** TICKETS is made R3 by the setting; the buckets (numbers, leases, keys) are scaled here. */
async function replicateEveryStream(jsm: JetStreamManager): Promise<void> {
  for (const info of await jsm.streams.list().next()) {
    if (info.config.num_replicas !== REPLICAS) {
      await jsm.streams.update(info.config.name, { num_replicas: REPLICAS });
    }
  }
  const deadline = Date.now() + 20_000;
  for (const info of await jsm.streams.list().next()) {
    assert.equal(info.config.num_replicas, REPLICAS, info.config.name);
    while (!(await allReplicasCurrent(jsm, info.config.name))) {
      assert.ok(Date.now() < deadline, `${info.config.name} replicas did not catch up`);
      await pause(100);
    }
  }
}

async function allReplicasCurrent(jsm: JetStreamManager, stream: string): Promise<boolean> {
  const { cluster } = await jsm.streams.info(stream);
  const replicas = cluster?.replicas ?? [];
  return Boolean(cluster?.leader) && replicas.length === REPLICAS - 1 &&
    replicas.every((r) => r.current);
}

async function burstWithLeaderKill(h: Harness, cluster: PrivateNatsCluster, victim: Victim) {
  const result: BurstResult = { acked: new Map(), failed: new Map(), failedAttempts: new Map() };
  let next = 0;
  let kill: Promise<string> | undefined;
  const deadline = performance.now() + BURST_DEADLINE_MS;
  const worker = async () => {
    while (next < CREATIONS && performance.now() < deadline) {
      const key = `burst-${next++}`;
      await createWithRetries(h, key, result);
      if (!kill && result.acked.size >= KILL_AFTER_ACKED) kill = killLeader(h, cluster, victim);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const killed = await kill;
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({
    nats: cluster.urls.length + " nodes",
    killed: `${killed} (${victim} leader) after ${KILL_AFTER_ACKED} acked`,
    creations: CREATIONS,
    acked: result.acked.size,
    failed: result.failed.size,
    failedAttempts: Object.fromEntries(result.failedAttempts),
    seconds: Number(seconds.toFixed(1)),
  }));
  assert.ok(killed, "the leader was killed during the burst");
  assert.equal(next, CREATIONS, `every creation was attempted within ${BURST_DEADLINE_MS} ms`);
  const unexpected = [...result.failedAttempts.keys()].filter((a) => a !== "503 store_unavailable");
  assert.deepEqual(unexpected, [], "a creation failing during the election is a retryable 503");
  return result;
}

async function killLeader(h: Harness, cluster: PrivateNatsCluster, victim: Victim) {
  const info = victim === "stream"
    ? await h.jsm.streams.info("TICKETS")
    : await h.jsm.consumers.info("TICKETS", h.config.projector.name);
  const leader = info.cluster?.leader;
  assert.ok(leader, `the ${victim} has a leader`);
  await cluster.node(leader).kill();
  return leader;
}

async function createWithRetries(h: Harness, key: string, result: BurstResult): Promise<void> {
  let last = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const response = await h.call(agentA, "POST", "/v1/tickets", ticketBody(), {
      "idempotency-key": key,
    }).catch((error: Error) => error);
    if (response instanceof Response && response.ok) {
      result.acked.set(key, (await response.json()).id);
      return;
    }
    last = response instanceof Response
      ? `${response.status} ${(await response.json().catch(() => ({}))).code ?? "?"}` +
        (response.status === 503 && !response.headers.has("retry-after") ? " no Retry-After" : "")
      : `thrown ${response.name}`;
    result.failedAttempts.set(last, (result.failedAttempts.get(last) ?? 0) + 1);
    await pause(RETRY_PAUSE_MS);
  }
  result.failed.set(key, last);
}

/**
 * Before 2.9.21 a new stream leader can store a retried message again (its de-duplication and
 * conditional writes race the entries it has not applied yet: nats-server issue 4320), so there
 * duplicates are counted and reported, not refused; loss and convergence are asserted everywhere.
 */
async function duplicatesRefused(): Promise<boolean> {
  const [major, minor, patch] = (await natsServerVersion()).split(".").map(Number);
  return major > 2 || (major === 2 && (minor > 9 || patch >= 21));
}

async function assertNothingLostOrTwice(h: Harness, result: BurstResult): Promise<void> {
  const { state } = await h.jsm.streams.info("TICKETS");
  const perSubject = new Map<string, number>();
  const messageIds = new Set<string>();
  let repeatedIds = 0;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await h.jsm.direct.getMessage("TICKETS", { seq });
    if (!message) continue;
    perSubject.set(message.subject, (perSubject.get(message.subject) ?? 0) + 1);
    const id = message.header?.get("Nats-Msg-Id") ?? "";
    if (messageIds.has(id)) repeatedIds++;
    messageIds.add(id);
  }
  const twice = [...perSubject].filter(([, n]) => n > 1);
  const lost = [...result.acked].filter(([, id]) => !perSubject.has(`tickets.acme.${id}`));
  console.log(JSON.stringify({
    stored: perSubject.size,
    lost: lost.length,
    twice: twice.length,
    repeatedMessageIds: repeatedIds,
  }));
  assert.deepEqual(lost, [], "every acknowledged creation is in the stream");
  if (await duplicatesRefused()) {
    assert.equal(repeatedIds, 0, "no message id stored twice");
    assert.deepEqual(twice, [], "one creation message per ticket");
    assert.ok(perSubject.size <= CREATIONS, "no key made a second ticket");
  }

  const caughtUp = await h.service.watch.waitFor(state.last_seq, READ_MODEL_CATCH_UP_MS);
  assert.ok(caughtUp, `the read model caught up within ${READ_MODEL_CATCH_UP_MS} ms`);
  const rows = await h.sql<{ id: string; number: number }[]>`
    select id::text, number from tickets where tenant = 'acme'`;
  const ids = new Set(rows.map((r) => r.id));
  assert.equal(rows.length, perSubject.size, "one row per stored ticket");
  assert.equal(new Set(rows.map((r) => r.number)).size, rows.length, "ticket numbers unique");
  assert.deepEqual([...result.acked.values()].filter((id) => !ids.has(id)), []);
}

/** Every node, the killed one included, ends with the same copy of TICKETS. */
async function assertCopiesConverge(h: Harness, nodes: ClusterNode[]): Promise<void> {
  const { state } = await h.jsm.streams.info("TICKETS");
  const deadline = Date.now() + 30_000;
  for (;;) {
    const copies = await Promise.all(nodes.map((n) => n.streamCopy("TICKETS")));
    const same = copies.every((c) =>
      c?.messages === state.messages && c.lastSeq === state.last_seq
    );
    if (same) return;
    assert.ok(
      Date.now() < deadline,
      `copies differ: ${JSON.stringify(copies)} vs ${state.messages}`,
    );
    await pause(200);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
