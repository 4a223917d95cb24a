/**
 * The benchmark's figures as one Markdown report (printed, and written beside the JSON), with
 * each target from the issue judged met or not.
 * @module
 */
import { OTHERS, POSTGRES, type ProcessCpu } from "./cpu.ts";
import type { ProfileSummary } from "./cpu_profile.ts";
import type { CeilingRun } from "./jetstream_ceiling.ts";
import type { MachineInfo, SourceInfo } from "./machine.ts";
import type { OpCost } from "./op_costs.ts";
import type { ReadFigures } from "./read_phase.ts";
import type { RoutingBenchFigures } from "./routing_bench.ts";
import type { SessionsBenchOptions, SessionsFigures } from "./sessions_bench.ts";
import {
  type AttachmentsBenchOptions,
  type AttachmentsFigures,
  FLAT_PARTS,
} from "./attachments_bench.ts";
import type { CreateFigures } from "./write_phase.ts";

export interface BenchSettings {
  quick: boolean;
  profile: boolean;
  seconds: number;
  connections: number;
  tickets: number;
  requests: number;
  /** Tickets in the similar index for routing's in-process figures (0: skipped). */
  routingTickets: number;
  /** The sessions phase's sizes (null: skipped). */
  sessions: SessionsBenchOptions | null;
  /** The attachments phase's sizes (null: skipped; absent in older results). */
  attachments?: AttachmentsBenchOptions | null;
  /** Extra environment for the service (`--env`). */
  serviceEnv: Record<string, string>;
}

export interface BenchResults {
  date: string;
  command: string;
  /** Machine CPU % busy (all cores) just before each phase: other work on the machine. */
  background: Record<string, number>;
  settings: BenchSettings;
  source: SourceInfo;
  machine: MachineInfo;
  opCosts: OpCost[];
  ceiling: CeilingRun[];
  create: CreateFigures;
  /** The same load on a tenant of the gm profile. */
  createGm: CreateFigures;
  /** Token verifications per second, by algorithm, cold and cached (bench/token_bench.ts). */
  tokens: Record<string, number>;
  /** Cipher and hash throughput (bench/crypto_bench.ts). */
  ciphers: Record<string, number>;
  /** Routing's in-process figures (bench/routing_bench.ts); null when skipped. */
  routing: RoutingBenchFigures | null;
  /** By phase ("create", "reads"), with --cpu-prof. */
  profiles: Record<string, ProfileSummary[]>;
  /** How the profiled service stopped after each phase (SIGTERM, SIGKILL after 20 s). */
  stops: Record<string, { ms: number; killed: boolean }>;
  reads: ReadFigures | null;
  /** The sessions service's sockets (bench/sessions_bench.ts); null or absent when skipped. */
  sessions?: SessionsFigures | null;
  /** The attachments service's throughput and memory (bench/attachments_bench.ts). */
  attachments?: AttachmentsFigures | null;
}

export interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

const CREATE_PER_SECOND = 5_000, CREATE_P99_MS = 80, READ_P95_MS = 50, GM_RATIO = 0.8;
const ROUTING_DRAIN_MS = 5_000, DECISION_P99_MS = 10, SIMILAR_P99_MS = 20;
const IDLE_SOCKETS = 10_000, MESSAGES_PER_SECOND = 1_000, DELIVERY_P99_MS = 50, SOAK_MINUTES = 10;
const BIG_UPLOAD_BYTES = 1_000_000_000;
/** Growth over the soak, from the fitted slope, that still counts as flat. */
const SOAK_FLAT_MiB = 10;
const MB = 1_000_000, MiB = 1_048_576;
const f0 = (n: number) => Math.round(n).toLocaleString("en");
const f1 = (n: number) => n.toFixed(1);
const ms = (n: number) => `${f1(n)} ms`;
const table = (head: string[], rows: (string | number)[][]) => [
  `| ${head.join(" | ")} |`,
  `|${head.map(() => "---").join("|")}|`,
  ...rows.map((row) => `| ${row.join(" | ")} |`),
];

/** Each target of the issue against the measured figure. */
export function judge(r: BenchResults): Target[] {
  const w = r.create.wrk;
  // deno-fmt-ignore
  const targets: Target[] = [
    target("creations/s end to end", `≥ ${f0(CREATE_PER_SECOND)}/s`, `${f0(w.perSecond)}/s`, w.perSecond >= CREATE_PER_SECOND),
    target("creation p99", `< ${CREATE_P99_MS} ms`, ms(w.latencyMs.p99), w.latencyMs.p99 < CREATE_P99_MS),
    target("creation non-2xx", "0", String(w.non2xx), w.non2xx === 0),
    target("gm creations/s ÷ intl creations/s", `≥ ${GM_RATIO}`, (r.createGm.wrk.perSecond / w.perSecond).toFixed(2), r.createGm.wrk.perSecond >= GM_RATIO * w.perSecond),
    target("gm creation non-2xx", "0", String(r.createGm.wrk.non2xx), r.createGm.wrk.non2xx === 0),
  ];
  targets.push(...routingTargets(r));
  if (r.sessions) targets.push(...sessionsTargets(r.sessions));
  if (r.attachments) targets.push(...attachmentsTargets(r.attachments));
  for (const q of r.reads?.queries ?? []) {
    const met = q.http.ms.p95 < READ_P95_MS && q.http.errors === 0;
    targets.push(target(`${q.name} p95`, `< ${READ_P95_MS} ms`, ms(q.http.ms.p95), met));
  }
  return targets;
}

function routingTargets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const lag = r.create.routing;
  if (lag) {
    const rate = `at ${f0(r.create.wrk.perSecond)} creations/s: `;
    const measured = lag.drained
      ? `${rate}drained ${f1(lag.drainMs / 1000)} s after the load (max lag ${f0(lag.maxLag)})`
      : `${rate}NOT drained (lag ${f0(lag.after5s.lag)} 5 s after)`;
    const met = lag.drained && lag.drainMs <= ROUTING_DRAIN_MS;
    out.push(
      target("routing keeps up with creation", "lag 0 within 5 s of the load", measured, met),
    );
  }
  if (r.routing) {
    const { decision: d, similar } = r.routing;
    out.push(
      target(
        "routing decision p99",
        `< ${DECISION_P99_MS} ms`,
        ms(d.p99Ms),
        d.p99Ms < DECISION_P99_MS,
      ),
    );
    const what = `similar-ticket lookup p99, ${f0(similar.tickets)} indexed`;
    out.push(
      target(
        what,
        `< ${SIMILAR_P99_MS} ms at 1,000,000`,
        ms(similar.p99Ms),
        similar.p99Ms < SIMILAR_P99_MS && similar.tickets >= 1_000_000,
      ),
    );
  }
  return out;
}

/** The issue 5 targets against the sessions figures. */
export function sessionsTargets(x: SessionsFigures): Target[] {
  const { idle, latency: l, soak } = x;
  const at = `${f0(idle.opened)} idle sockets, ${f0(l.sentPerSecond)} msgs/s`;
  const scale = idle.opened >= IDLE_SOCKETS && l.sentPerSecond >= 0.99 * MESSAGES_PER_SECOND;
  const lost = l.sent - l.delivered;
  const out = [
    target(
      "sessions: idle sockets open at once",
      `${f0(IDLE_SOCKETS)}, none refused or dropped`,
      `${f0(idle.opened)} (${idle.failed} refused, ${idle.droppedDuringRun} dropped)`,
      idle.opened >= IDLE_SOCKETS && idle.failed === 0 && idle.droppedDuringRun === 0,
    ),
    target(
      "sessions: delivery p99 (send to the other participant's socket)",
      `< ${DELIVERY_P99_MS} ms with ${f0(IDLE_SOCKETS)} idle at ${f0(MESSAGES_PER_SECOND)} msgs/s`,
      `${ms(l.deliveryMs.p99)} (${at}; ${f0(lost)} not delivered)`,
      scale && l.deliveryMs.p99 < DELIVERY_P99_MS && lost === 0,
    ),
  ];
  if (soak) {
    const half = soak.minutes / 2;
    const growth = soak.rssSlopeSecondHalfMiBPerMinute * half;
    out.push(target(
      `sessions: service RSS over a ${soak.minutes}-minute soak`,
      `flat over the last ${
        SOAK_MINUTES / 2
      } of ${SOAK_MINUTES} min (fitted growth < ${SOAK_FLAT_MiB} MiB)`,
      `${f1(soak.rssMiB.first)} → ${f1(soak.rssMiB.last)} MiB; last ${f1(half)} min fitted ${
        f1(growth)
      } MiB`,
      growth < SOAK_FLAT_MiB && soak.minutes >= SOAK_MINUTES,
    ));
  }
  return out;
}

/** The issue 6 target: the service's memory stays flat during a 1 GB upload. */
export function attachmentsTargets(x: AttachmentsFigures): Target[] {
  const { bytes, upload } = x.big;
  const bound = (FLAT_PARTS * x.partBytes) / MiB;
  const rss = upload.rssMiB;
  return [target(
    `attachments: service RSS during a ${f0(bytes / MB)} MB streamed upload`,
    `flat at ${f0(BIG_UPLOAD_BYTES / MB)} MB: max − first < ${FLAT_PARTS} parts (${f1(bound)} MiB)`,
    `${f1(rss.first)} → max ${f1(rss.max)} → ${f1(rss.last)} MiB (+${f1(rss.growth)} MiB)`,
    rss.growth < bound && bytes >= BIG_UPLOAD_BYTES,
  )];
}

function target(what: string, goal: string, measured: string, met: boolean): Target {
  return { what, target: goal, measured, met };
}

/** The whole report as Markdown. */
export function renderReport(r: BenchResults): string {
  const m = r.machine, w = r.create.wrk, lag = r.create.lag;
  const best = Math.max(...r.ceiling.map((c) => c.msgsPerSecond));
  const pg = Object.entries(m.postgresSettings).map(([k, v]) => `${k}=${v}`).join(", ");
  const busy = Object.entries(r.background).map(([k, v]) => `${k} ${v} %`).join(", ");
  const dirty = r.source.uncommitted.length
    ? ` plus uncommitted changes to ${r.source.uncommitted.join(", ")}`
    : "";
  const socketErrors = Object.values(w.socketErrors).reduce((a, b) => a + b, 0);
  // deno-fmt-ignore
  const out = [
    `# Ticketd benchmark, ${r.date}`,
    "",
    `Code: commit ${r.source.commit}${dirty}.`,
    "",
    `\`${r.command}\` on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}; Deno ${m.deno}, nats-server ${m.natsServer}, ${m.postgres}, wrk ${m.wrk}. PostgreSQL: ${pg}. Machine busy before each phase (other work): ${busy}.`,
    "",
    "## Write path",
    "",
    ...table(["figure", "value"], [
      ...r.ceiling.map((c) => [`raw JetStream publish, window ${c.window}${c.noAsyncTraces ? ", noAsyncTraces" : ""}`, `${f0(c.msgsPerSecond)} msgs/s (${f0(c.messages)} in ${f1(c.seconds)} s; CPU ${cpuLine(c.cpu)})`]),
      [`ticket creation over HTTP (wrk, ${r.settings.connections} connections, ${r.settings.seconds} s)`, `${f0(w.perSecond)}/s (${f0(w.requests)} in ${f1(w.seconds)} s), ${f1(100 * w.perSecond / best)} % of the best raw rate`],
      ["creation latency", `p50 ${ms(w.latencyMs.p50)}, p90 ${ms(w.latencyMs.p90)}, p99 ${ms(w.latencyMs.p99)}, max ${ms(w.latencyMs.max)}`],
      ["non-2xx / socket errors", `${w.non2xx} / ${socketErrors}`],
      ["request body / stored commit", `${w.bodyBytes} B / ${r.create.commitBytes} B`],
      ["projection lag", `max ${f0(lag.maxLagMessages)} msgs (≈ ${f1(lag.maxLagSecondsEstimate)} s) during the load; ${lag.caughtUp ? "caught up" : "NOT caught up"} ${f1(lag.catchUpMs / 1000)} s after it`],
      ["routing lag (routing runs in the service process)", routingLagLine(r.create)],
      ["CPU during the creation load", cpuLine(r.create.cpu)],
      ["attempts (a disturbed one is repeated)", r.create.attempts.map((a) => `${f0(a.perSecond)}/s, p99 ${ms(a.p99Ms)}, ${f0(a.disturbed)} % other CPU or steal`).join("; ")],
    ]),
    "",
    "## Security costs",
    "",
    ...table(["figure", "intl", "gm", "gm ÷ intl"], [
      ["ticket creation over HTTP (same load, same run)", `${f0(w.perSecond)}/s`, `${f0(r.createGm.wrk.perSecond)}/s`, (r.createGm.wrk.perSecond / w.perSecond).toFixed(2)],
      ["creation p99", ms(w.latencyMs.p99), ms(r.createGm.wrk.latencyMs.p99), (r.createGm.wrk.latencyMs.p99 / w.latencyMs.p99).toFixed(2)],
    ]),
    "",
    ...table(["token verification (bench process)", "per second"], Object.entries(r.tokens).map(([k, v]) => [k, k.endsWith("ratio") ? `${f1(v)}×` : f0(v)])),
    "",
    ...table(["cipher or hash (bench process)", "value"], Object.entries(r.ciphers).map(([k, v]) => [k, k.endsWith("ratio") ? `${v.toFixed(2)}×` : f1(v)])),
    "",
    "## Cost of single operations (bench process, µs of wall time per call)",
    "",
    ...table(["operation", "one at a time", "64 in flight"], r.opCosts.map((c) => [c.op, f1(c.microseconds), c.concurrentMicroseconds === null ? "(sync)" : f1(c.concurrentMicroseconds)])),
  ];
  out.push(...routingSection(r));
  out.push(...profileSections("the creation load", r.profiles.create));
  for (const [phase, stop] of Object.entries(r.stops ?? {})) {
    out.push(
      "",
      `Service stop after ${phase}: ${stop.killed ? "**killed** (SIGKILL) after" : "exited in"} ${
        f0(stop.ms)
      } ms of SIGTERM.`,
    );
  }
  if (r.reads) out.push(...readSection(r.reads));
  out.push(...profileSections("the read queries", r.profiles.reads));
  if (r.sessions) out.push(...sessionsSection(r.sessions));
  if (r.attachments) out.push(...attachmentsSection(r.attachments));
  const verdicts = judge(r).map((t) => [t.what, t.target, t.measured, t.met ? "yes" : "**no**"]);
  out.push("", "## Targets", "", ...table(["what", "target", "measured", "met"], verdicts));
  out.push("", "## top during the creation load", "", "```", r.create.top, "```", "");
  return out.join("\n");
}

function routingSection(r: BenchResults): string[] {
  const lag = r.create.routing, x = r.routing;
  if (!lag && !x) return [];
  const rows: string[][] = [];
  if (lag) {
    // deno-fmt-ignore
    rows.push(
      ["ticket creation over HTTP, routing in the same process", `${f0(r.create.wrk.perSecond)}/s (the write path above)`],
      ["routing lag during the load (status every 250 ms)", `max ${f0(lag.maxLag)}, p95 ${f0(lag.p95Lag)} msgs; trend ${f0(lag.lagSlopePerSecond)} msgs/s; decisions in flight max ${f0(lag.maxInFlight)}`],
      ["routing lag at the end of the load / 5 s after", `${f0(lag.atEnd.lag)} msgs (${f0(lag.atEnd.inFlight)} deciding) / ${f0(lag.after5s.lag)} msgs (${f0(lag.after5s.inFlight)} deciding)`],
      ["under the gm load", routingLagLine(r.createGm)],
      ["backlog drained", lag.drained ? `${f1(lag.drainMs / 1000)} s after the load` : "**no** (within 60 s)"],
      ["decisions", `${f0(lag.decisions)} (one per creation), ${f0(lag.decisionsPerSecond)}/s until drained; ${f0(lag.commandsAppended)} sent a command (appended)`],
    );
  }
  if (x) {
    const d = x.decision, s = x.similar, parts = d.meanMsByPart;
    // deno-fmt-ignore
    rows.push(
      [`routing decision (in process; ${d.rules} rules, bootstrap models, ${d.agents} agents; ${f0(d.decisions)} real tickets, mean body ${f0(d.meanBodyChars)} chars)`, `p50 ${ms(d.p50Ms)}, p95 ${ms(d.p95Ms)}, p99 ${ms(d.p99Ms)}, max ${ms(d.maxMs)}`],
      ["… mean by part: rules / model / plan and agent", `${parts.rules} / ${parts.model} / ${parts.planAndAgent} ms`],
      ["… rules fired per ticket; share changed / assigned", `${d.firedPerDecision}; ${f0(100 * d.changedShare)} % / ${f0(100 * d.assignedShare)} %`],
      [`similar-ticket lookup, ${f0(s.tickets)} tickets indexed (${f0(s.queries)} lookups)`, `p50 ${ms(s.p50Ms)}, p95 ${ms(s.p95Ms)}, p99 ${ms(s.p99Ms)}, max ${ms(s.maxMs)}`],
      ["similar index memory per ticket", `${f0(s.indexBytesPerTicket)} B (memoryBytes); RSS +${f0(s.rssBytesPerTicket)} B, heap+external +${f0(s.heapAndExternalBytesPerTicket)} B`],
      ["similar index build", `${f1(s.buildSeconds)} s (${f0(s.buildPerSecond)}/s)`],
      [`SLA timers, ${f0(x.sla.tickets)} tracked`, `${f0(x.sla.bytesPerTicket)} B per ticket, ${x.sla.trackMicrosecondsEach} µs per track`],
    );
  }
  return ["", "## Routing", "", ...table(["figure", "value"], rows)];
}

/** The Sessions section of the report. */
export function sessionsSection(x: SessionsFigures): string[] {
  const { idle, memory: m, latency: l, soak } = x;
  const per = m.bytesPerConnection;
  const mem = (v: { rss: number; heapUsed: number }) =>
    `RSS ${f1(v.rss)} MiB, heap ${f1(v.heapUsed)} MiB`;
  const busy = Object.entries(x.background).map(([k, v]) => `${k} ${v} %`).join(", ");
  // deno-fmt-ignore
  const rows: string[][] = [
    [`idle sockets (customer tokens, first-frame auth; open ${OPEN_NOTE})`, `${f0(idle.opened)} open, ${idle.failed} refused${idle.firstError ? ` (${idle.firstError})` : ""}, ${idle.droppedDuringRun} dropped during the run; opened in ${f1(idle.openSeconds)} s (${f0(idle.perSecond)}/s)`],
    ["service memory before / after opening them (after full GC)", `${mem(m.beforeMiB)} / ${mem(m.afterMiB)}`],
    ["**per idle connection** (service process)", `RSS ${f0(per.rss)} B, heap ${f0(per.heapUsed)} B, external ${f0(per.external)} B`],
    ["after closing every socket (15 s, full GC)", mem(m.afterClosingAll)],
    [`delivery latency, ${f0(l.sentPerSecond)} msgs/s for ${x.options.seconds} s over ${f0(x.options.conversations)} conversations (customer and agent socket each)`, latencyLine(l.deliveryMs)],
    ["… ack to the sender", latencyLine(l.ackMs)],
    ["… sent / delivered / errors", `${f0(l.sent)} / ${f0(l.delivered)} / ${l.errors}${l.firstError ? ` (${l.firstError})` : ""}`],
    ["… CPU during it", cpuLine(l.cpu)],
  ];
  if (soak) {
    const s = soak.samples.map((p) => f0(p.rssMiB)).join(", ");
    // deno-fmt-ignore
    rows.push(
      [`soak: ${f0(soak.load.sentPerSecond)} msgs/s for ${soak.minutes} min, all sockets open`, `delivery ${latencyLine(soak.load.deliveryMs)}; ${f0(soak.load.sent - soak.load.delivered)} not delivered, ${soak.load.errors} errors`],
      ["… service RSS first / last / max (every 10 s)", `${f1(soak.rssMiB.first)} / ${f1(soak.rssMiB.last)} / ${f1(soak.rssMiB.max)} MiB; slope ${f1(soak.rssSlopeMiBPerMinute)} MiB/min (second half ${f1(soak.rssSlopeSecondHalfMiBPerMinute)} MiB/min)`],
      ["… heap slope; heap after full GC at start / end", `${f1(soak.heapSlopeMiBPerMinute)} MiB/min; ${f1(soak.heapAfterGcMiB.start)} / ${f1(soak.heapAfterGcMiB.end)} MiB`],
      ["… RSS samples, MiB", s],
      ["… CPU during it", cpuLine(soak.cpu)],
    );
  }
  return [
    "",
    "## Sessions",
    "",
    `${x.method}. Open-file limit ${
      f0(x.fdLimit)
    } per process. Machine busy before each part (other work): ${busy}.`,
    "",
    ...table(["figure", "value"], rows),
  ];
}

/** The Attachments section of the report. */
export function attachmentsSection(x: AttachmentsFigures): string[] {
  const rate = (n: number) => `${f1(n)} MB/s`;
  const rows: string[][] = [];
  for (const t of x.throughput) {
    const size = `${f0(t.bytes / MB)} MB`, v = t.mbPerSecond, of = `median of ${t.repeats}`;
    // deno-fmt-ignore
    rows.push(
      [`${size} upload (tus-js-client; direct: putObject), ${of}`, rate(v.upload), rate(v.directPut), t.uploadRatio.toFixed(2)],
      [`${size} download (fetch; direct: getObject), ${of}`, rate(v.download), rate(v.directGet), t.downloadRatio.toFixed(2)],
    );
  }
  const { big } = x, up = big.upload, down = big.download;
  const mem = (m: typeof up.rssMiB) =>
    `${f1(m.first)} / ${f1(m.max)} / ${f1(m.last)} MiB (max − first ${f1(m.growth)} MiB)`;
  const size = `${f0(big.bytes / MB)} MB`;
  const busy = Object.entries(x.background).map(([k, v]) => `${k} ${v} %`).join(", ");
  // deno-fmt-ignore
  const bigRows: string[][] = [
    [`${size} streamed upload (tus-js-client, ${up.patches} PATCHes of ${f0(big.chunkBytes / MiB)} MiB)`, `${rate(up.mbPerSecond)} (${f1(up.seconds)} s)`],
    ["… service RSS first / max / last (every second)", mem(up.rssMiB)],
    ["… RSS samples, MiB", up.rssMiB.samples.map(f0).join(", ")],
    ["… CPU during it", cpuLine(up.cpu)],
    [`${size} download (fetch)`, `${rate(down.mbPerSecond)} (${f1(down.seconds)} s)`],
    ["… service RSS first / max / last (every second)", mem(down.rssMiB)],
    ["… CPU during it", cpuLine(down.cpu)],
    ...x.throughput.map((t) => [`CPU during the ${f0(t.bytes / MB)} MB transfers (both ways, direct and service)`, cpuLine(t.cpu)]),
  ];
  return [
    "",
    "## Attachments",
    "",
    `${x.method}. S3 part ${
      f0(x.partBytes)
    } B; 1 MB = 10^6 B. Machine busy before each part (other work): ${busy}.`,
    "",
    ...table(
      ["figure", "through the service", "direct to s3rver (minio)", "service ÷ direct"],
      rows,
    ),
    "",
    ...table(["figure", "value"], bigRows),
  ];
}

const OPEN_NOTE = "100 at a time; each pings once a minute";

function latencyLine(p: { p50: number; p95: number; p99: number; max: number }): string {
  return `p50 ${ms(p.p50)}, p95 ${ms(p.p95)}, p99 ${ms(p.p99)}, max ${ms(p.max)}`;
}

function routingLagLine(create: CreateFigures): string {
  const lag = create.routing;
  if (!lag) return "(not sampled)";
  const drained = lag.drained ? `drained ${f1(lag.drainMs / 1000)} s after it` : "NOT drained";
  return `max ${f0(lag.maxLag)} msgs during the load, ${f0(lag.after5s.lag)} 5 s after; ${drained}`;
}

function readSection(reads: ReadFigures): string[] {
  const s = reads.seed;
  // deno-fmt-ignore
  const out = [
    "",
    `## Reads with ${f0(s.rows)} tickets`,
    "",
    `Seeded in ${f1(s.copySeconds)} s COPY + ${f1(s.indexSeconds)} s indexes + ${f1(s.vacuumSeconds)} s VACUUM ANALYZE; table ${f0(s.tableMiB)} MiB, indexes ${f0(s.indexMiB)} MiB. Machine busy before the queries (other work): ${reads.background} %.`,
    "",
    ...table(
      ["query", "matches", "page", "HTTP p50", "p95", "p99", "req/s", "errors", "SQL exec", "CPU service / postgres / other"],
      reads.queries.map(({ name, http: h, sql, cpu }) => [name, f0(sql.matches), h.pageSize, ms(h.ms.p50), ms(h.ms.p95), ms(h.ms.p99), f0(h.perSecond), h.errors, ms(sql.executionMs), [cpuOf(cpu, "tickets"), cpuOf(cpu, POSTGRES), cpuOf(cpu, OTHERS)].join(" / ")]),
    ),
  ];
  for (const q of reads.queries) {
    out.push("", `Plan, ${q.name}:`, "", "```", ...q.sql.keyLines, "```");
    if (q.http.firstError) out.push(`First error: ${q.http.firstError}`);
  }
  return out;
}

function profileSections(phase: string, profiles: ProfileSummary[] | undefined): string[] {
  if (!profiles) return [];
  const out = profiles.flatMap((p) => profileSection(phase, p));
  if (!profiles.some((p) => p.thread === "main thread")) {
    out.push(
      "",
      `(No main-thread profile for ${phase}: the service did not exit normally on SIGTERM.)`,
    );
  }
  return out;
}

function profileSection(phase: string, p: ProfileSummary): string[] {
  const which = p.thread === "main thread" ? "main thread" : `${p.thread} (projector)`;
  // deno-fmt-ignore
  return [
    "",
    `## Where the service's ${which} went during ${phase} (V8 profile)`,
    "",
    `${f1(p.sampledMs / 1000)} s sampled, ${f1(p.idlePercent)} % idle; shares are of the busy ` +
    "time. An async function counts only while it is on the stack, not while it awaits.",
    "",
    ...table(["stage (inclusive)", "% of busy"], p.stages.map((s) => [s.stage, f1(s.percent)])),
    "",
    ...table(["top self time", "where", "% of busy"], p.selfTime.map((f) => [f.name, f.where, f1(f.percent)])),
  ];
}

function cpuOf(cpu: ProcessCpu[], name: string): string {
  const found = cpu.find((c) => c.name === name);
  return found ? `${f0(found.percent)} %` : "?";
}

function cpuLine(cpu: { name: string; percent: number }[]): string {
  return cpu.map((c) => `${c.name} ${f0(c.percent)} %`).join(", ");
}
