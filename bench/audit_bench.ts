/**
 * The audit service under a ticket-creation burst (issue 7), in one run: `wrk` creates tickets
 * over HTTP at full rate against the service as `deno task start` runs it (services/main.ts, with
 * audit archiving to an s3rver), while this process samples every second how far audit has
 * written each source stream. Reports tickets created per second, source messages published and
 * audit entries written per second during the burst, their ratio, the lag when the burst ends
 * and how long audit took to catch up; then, with the service stopped, verify speed in entries
 * per second over the hot table and over the archived segments.
 *
 *   deno run -A --unstable-net bench/audit_bench.ts [--quick] [--seconds N]
 *   (prints one JSON line; progress on stderr)
 * @module
 */
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { startPrivateS3 } from "@ticketd/shared/runtime/private_s3.ts";
import { SegmentBucket } from "../services/audit/archive/segment_bucket.ts";
import { SegmentRecords } from "../services/audit/archive/segment_records.ts";
import { verifyArchive } from "../services/audit/archive/verify_archive.ts";
import { readPublicKeys } from "../services/audit/signing/audit_keys.ts";
import { AuditStore } from "../services/audit/store/audit_store.ts";
import { CheckpointStore } from "../services/audit/store/checkpoint_store.ts";
import { verifyAuditLog } from "../services/audit/verify_log.ts";
import { Cleanup } from "./cleanup.ts";
import { waitForQuiet } from "./cpu.ts";
import { runCreateLoad, type WrkResult } from "./create_load.ts";
import { benchSql, createDatabase, startNats, startService } from "./environment.ts";
import { runBenchChild } from "./bench_child.ts";

export interface AuditBenchOptions {
  /** Length of the creation burst. */
  seconds: number;
  connections: number;
  /** Entries per archive segment (the service's TICKETD_AUDIT_ARCHIVE_ENTRIES). */
  segmentEntries: number;
}

export const FULL: AuditBenchOptions = { seconds: 30, connections: 32, segmentEntries: 5_000 };
export const QUICK: AuditBenchOptions = { seconds: 10, connections: 32, segmentEntries: 2_000 };

export interface AuditFigures {
  method: string;
  seconds: number;
  ticketsPerSecond: number;
  createP99Ms: number;
  non2xx: number;
  /** Source messages (all four streams) stored per second during the burst. */
  publishedPerSecond: number;
  /** Audit entries written per second during the same burst. */
  ingestedPerSecond: number;
  /** ingested ÷ published over the burst: 1.0 keeps up. */
  ratio: number;
  /** Source messages not yet written when the burst ended, and the most seen in any sample. */
  lagAtEnd: number;
  maxLag: number;
  catchUpSeconds: number;
  lagSamples: number[];
  verify: {
    hot: { entries: number; seconds: number; perSecond: number };
    archived: { entries: number; segments: number; seconds: number; perSecond: number };
  };
  background: number;
}

const TENANT = "auditbench";
const STREAMS = ["TICKETS", "SESSIONS", "ROUTING", "ACTIVITY"];

/** Runs the burst and the verifies against processes started in `tmp`. */
export async function runAuditBench(
  o: AuditBenchOptions,
  tmp: string,
  cleanup: Cleanup,
): Promise<AuditFigures> {
  const s3 = await startPrivateS3(`${tmp}/s3`);
  cleanup.add("s3rver", () => s3.stop());
  const nats = await startNats(tmp, cleanup);
  const databaseUrl = await createDatabase(cleanup);
  const dataDir = `${tmp}/data`;
  const s3Env = {
    TICKETD_S3_ENDPOINT: s3.endpoint,
    TICKETD_S3_ACCESS_KEY: s3.accessKey,
    TICKETD_S3_SECRET_KEY: s3.secretKey,
    TICKETD_AUDIT_ARCHIVE_BUCKET: "audit-bench",
  };
  const service = await startService({
    natsUrl: nats.url,
    databaseUrl,
    dataDir,
    extra: {
      ...s3Env,
      TICKETD_AUDIT_PORT: "0",
      TICKETD_AUDIT_ARCHIVE_ENTRIES: String(o.segmentEntries),
      TICKETD_AUDIT_ARCHIVE_CHECK_MS: "2000",
    },
  }, cleanup);
  const nc = await connect({ servers: nats.url });
  cleanup.add("bench NATS connection", () => nc.drain().catch(() => {}));
  const jsm = await jetstreamManager(nc);
  const sql = benchSql(databaseUrl);
  cleanup.add("bench database connection", () => sql.end());
  const keys = await loadOrCreateDevKeys(dataDir);
  const token = await mintDevToken(keys, { sub: "bench", tenant: TENANT, role: "supervisor" });
  const background = await waitForQuiet("the audit burst");

  const start = await progress(jsm, sql);
  const samples: { stored: number; written: number }[] = [];
  const timer = setInterval(async () => samples.push(await progress(jsm, sql)), 1_000);
  console.error(`audit: ${o.seconds} s ticket-creation burst, ${o.connections} connections …`);
  let wrk: WrkResult;
  try {
    wrk = await runCreateLoad(
      {
        url: service.url,
        token,
        connections: o.connections,
        threads: 2,
        seconds: o.seconds,
        dir: tmp,
      },
      bodies(2_000),
    );
  } finally {
    clearInterval(timer);
  }
  const end = await progress(jsm, sql);
  const catchUpSeconds = (await waitCaughtUp(jsm, sql, 120_000)) / 1000;
  const published = end.stored - start.stored;
  const ingested = end.written - start.written;
  const lags = samples.map((s) => Math.max(0, s.stored - s.written));
  const archivedTarget = Math.floor(end.stored / o.segmentEntries) * o.segmentEntries;
  await waitArchived(sql, archivedTarget, 60_000);
  await service.stop();

  console.error("audit: verify, hot and archived …");
  const publicKeys = await readPublicKeys(`${dataDir}/audit-keys.json`);
  const store = new AuditStore(sql);
  const archive = await verifyArchive({
    bucket: new SegmentBucket({
      ...hostPort(s3.endpoint),
      useSSL: false,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: "us-east-1",
      bucket: "audit-bench",
    }),
    store,
    records: new SegmentRecords(sql),
    publicKeys,
  });
  if (archive.finding) throw new Error(`archive verify failed: ${JSON.stringify(archive.finding)}`);
  const hot = await verifyAuditLog(store, new CheckpointStore(sql), publicKeys);
  if (hot.finding) throw new Error(`hot verify failed: ${JSON.stringify(hot.finding)}`);
  return {
    method:
      `wrk POST /v1/tickets for ${o.seconds} s (${o.connections} connections) on services/main.ts with audit archiving to s3rver (${o.segmentEntries} entries a segment); audit's written position and the streams' last sequences read every second`,
    seconds: wrk.seconds,
    ticketsPerSecond: wrk.perSecond,
    createP99Ms: wrk.latencyMs.p99,
    non2xx: wrk.non2xx,
    publishedPerSecond: published / wrk.seconds,
    ingestedPerSecond: ingested / wrk.seconds,
    ratio: published === 0 ? 0 : ingested / published,
    lagAtEnd: Math.max(0, end.stored - end.written),
    maxLag: Math.max(0, ...lags),
    catchUpSeconds,
    lagSamples: lags,
    verify: {
      hot: { entries: hot.entries, seconds: hot.seconds, perSecond: hot.entries / hot.seconds },
      archived: {
        entries: archive.entries,
        segments: archive.segments,
        seconds: archive.seconds,
        perSecond: archive.entries / archive.seconds,
      },
    },
    background,
  };
}

/** Messages stored in the source streams, and audit's written positions, summed. */
async function progress(jsm: JetStreamManager, sql: Sql) {
  let stored = 0;
  for (const name of STREAMS) {
    stored += await jsm.streams.info(name).then((i) => i.state.last_seq, () => 0);
  }
  const [row] = await sql<{ written: string | null }[]>`
    select sum(seq) as written from audit_positions`;
  return { stored, written: Number(row.written ?? 0) };
}

async function waitCaughtUp(jsm: JetStreamManager, sql: Sql, timeoutMs: number) {
  const started = performance.now();
  for (;;) {
    const { stored, written } = await progress(jsm, sql);
    if (written >= stored) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`audit did not catch up in ${timeoutMs} ms (lag ${stored - written})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitArchived(sql: Sql, entries: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ n: string | null }[]>`
      select sum(count) as n from audit_archive_segments`;
    if (Number(row.n ?? 0) >= entries || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ticket bodies of a few hundred bytes (audit records field names, never this text). */
function bodies(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      requesterId: `customer-${i % 500}`,
      subject: `Printer ${i} does not print`,
      body: `The printer on floor ${i % 12} shows error ${1000 + i}. `.repeat(6),
      priority: ["low", "normal", "high"][i % 3],
      tags: ["bench"],
    }));
}

function hostPort(endpoint: string) {
  const url = new URL(endpoint);
  return { endPoint: url.hostname, port: Number(url.port) };
}

/** Runs this file as a child (its own service, NATS, database and s3rver); its figures. */
export async function runAuditBenchChild(o: AuditBenchOptions): Promise<AuditFigures> {
  return await runBenchChild(import.meta.url, [
    `--options=${JSON.stringify(o)}`,
  ], ["--unstable-net"]);
}

/** The Audit section of the report. */
export function auditSection(x: AuditFigures): string[] {
  const f0 = (n: number) => Math.round(n).toLocaleString("en");
  const { hot, archived } = x.verify;
  const rows = [
    [
      "tickets created per second (wrk, p99 latency)",
      `${f0(x.ticketsPerSecond)} (p99 ${x.createP99Ms.toFixed(1)} ms, ${x.non2xx} non-2xx)`,
    ],
    ["source messages stored per second (4 streams)", f0(x.publishedPerSecond)],
    ["audit entries written per second", f0(x.ingestedPerSecond)],
    ["written ÷ stored over the burst", x.ratio.toFixed(3)],
    [
      "lag at the end of the burst / max in a 1 s sample",
      `${f0(x.lagAtEnd)} / ${f0(x.maxLag)} messages`,
    ],
    ["caught up after the burst", `${x.catchUpSeconds.toFixed(2)} s`],
    [
      "verify, hot table",
      `${f0(hot.perSecond)} entries/s (${f0(hot.entries)} in ${hot.seconds.toFixed(2)} s)`,
    ],
    [
      "verify, archived segments",
      `${f0(archived.perSecond)} entries/s (${
        f0(archived.entries)
      } in ${archived.segments} segments, ${archived.seconds.toFixed(2)} s)`,
    ],
  ];
  return [
    "",
    "## Audit",
    "",
    `${x.method}. Machine busy before the burst: ${x.background} %.`,
    "",
    "| figure | value |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      seconds: { type: "string" },
      options: { type: "string" },
    },
  });
  const o: AuditBenchOptions = values.options
    ? JSON.parse(values.options)
    : { ...(values.quick ? QUICK : FULL) };
  if (values.seconds) o.seconds = Number(values.seconds);
  const cleanup = new Cleanup();
  const tmp = await Deno.makeTempDir({ prefix: "ticketd_audit_bench_" });
  cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
  try {
    const figures = await runAuditBench(o, tmp, cleanup);
    if (!values.options) console.error(auditSection(figures).join("\n"));
    console.log(JSON.stringify(figures));
  } finally {
    await cleanup.run();
  }
}
