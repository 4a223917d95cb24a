/**
 * Ticket creation A/B on a shared machine: `deno run -A bench/create_ab.ts <revA> <revB>
 * [--rounds N] [--seconds S] [--connections C]`. Each revision runs as its own service (its own
 * nats-server and database, routing in the process), both started before the first load; then
 * loads alternate A B B A A B … so that whatever else the machine does falls on both alike.
 * Reported per revision: the median creation rate, and CPU per created ticket (service,
 * nats-server, PostgreSQL), which depends less on other processes than the rate does; routing's
 * lag behind each load; and B ÷ A of each. Writes `bench/results/ab-<A>-<B>.{json,md}`.
 * A side may name what it runs, `<rev>:<entry>` (e.g. `HEAD:services/tickets/main.ts`, the
 * tickets service without the followers; routing's lag is then not sampled).
 * With `--cpu-prof` both services run under the V8 profiler (slower, alike) and the report adds
 * where each one's time went (`bench/cpu_profile.ts`).
 * @module
 */
import { parseArgs } from "node:util";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { Cleanup } from "./cleanup.ts";
import { loadCorpus } from "./corpus.ts";
import { createBodies } from "./create_load.ts";
import { POSTGRES } from "./cpu.ts";
import { createDatabase, type ServiceProcess, startNats, startService } from "./environment.ts";
import { exportRevision } from "./revision_tree.ts";
import { summariseProfiles } from "./cpu_profile.ts";
import { waitForRouting } from "./routing_lag.ts";
import { cpuOf, createAttempt, disturbance } from "./write_phase.ts";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "4" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
if (positionals.length !== 2) {
  console.error("usage: deno run -A bench/create_ab.ts <revA> <revB> [--rounds N] [--seconds S]");
  Deno.exit(2);
}
const rounds = Number(flags.rounds);
const seconds = Number(flags.seconds);
const connections = Number(flags.connections);
const profiled = flags["cpu-prof"];

interface Load {
  round: number;
  perSecond: number;
  p99Ms: number;
  non2xx: number;
  /** CPU ms per created ticket. */
  serviceMs: number;
  natsMs: number;
  postgresMs: number;
  /** Other processes and steal during the load, % of a core. */
  disturbed: number;
  routing: { maxLag: number; p95Lag: number; slope: number; drainMs: number } | null;
}

interface Side {
  commit: string;
  service: ServiceProcess;
  natsUrl: string;
  natsPid: number | null;
  token: string;
  /** None when the side runs without routing. */
  routingUrl?: string;
  tmp: string;
  loads: Load[];
}

const bodies = createBodies(await loadCorpus(), 3_000);
const cleanup = new Cleanup();
try {
  const sides: Side[] = [];
  for (const rev of positionals) sides.push(await startSide(rev));
  for (const side of sides) await load(side, 0, Math.min(5, seconds)); // warm-up, not counted
  for (let round = 1; round <= rounds; round++) {
    // A B, B A, A B …: neither side always goes first.
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) side.loads.push(await load(side, round, seconds));
  }
  let report = render(sides);
  if (profiled) { for (const side of sides) report += await profileOf(side); }
  console.log(report);
  const out = new URL("./results/", import.meta.url);
  await Deno.mkdir(out, { recursive: true });
  const name = `ab-${sides[0].commit}-${sides[1].commit}`;
  const json = sides.map(({ commit, loads }) => ({ commit, loads }));
  await Deno.writeTextFile(
    new URL(`${name}.json`, out),
    JSON.stringify({ rounds, seconds, connections, sides: json }, null, 2),
  );
  await Deno.writeTextFile(new URL(`${name}.md`, out), report);
  console.error(`written: bench/results/${name}.json and .md`);
} catch (error) {
  // The temporary folders go with the clean-up: keep the services' last words.
  for await (const entry of Deno.readDir("/tmp")) {
    if (!entry.name.startsWith("ticketd_ab_")) continue;
    const log = await Deno.readTextFile(`/tmp/${entry.name}/service/service.log`).catch(() => "");
    console.error(`--- ${entry.name} service.log (end) ---\n${log.slice(-3000)}`);
  }
  throw error;
} finally {
  await cleanup.run();
}

async function startSide(spec: string): Promise<Side> {
  const [rev, entry] = spec.split(":");
  const tree = await exportRevision(rev);
  cleanup.add(`tree ${tree.commit}`, tree.remove);
  const tmp = await Deno.makeTempDir({ prefix: `ticketd_ab_${tree.commit}_` });
  cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
  const nats = await startNats(tmp, cleanup);
  const databaseUrl = await createDatabase(cleanup);
  const service = await startService({
    natsUrl: nats.url,
    databaseUrl,
    dataDir: `${tmp}/service`,
    repo: tree.dir,
    entry,
    extraArgs: profiled ? ["--cpu-prof", `--cpu-prof-dir=${tmp}/profile`] : [],
  }, cleanup);
  const keys = await loadOrCreateDevKeys(service.dataDir);
  const token = await mintDevToken(keys, { sub: "bench", tenant: "load", role: "supervisor" });
  const routingUrl = entry ? undefined : await waitForRouting(service.dataDir, token);
  const name = entry ? `${tree.commit}-${entry.split("/").at(-2)}` : tree.commit;
  console.error(`${name}: service at ${service.url}`);
  return {
    commit: name,
    service,
    natsUrl: nats.url,
    natsPid: nats.pid,
    token,
    routingUrl,
    tmp,
    loads: [],
  };
}

async function load(side: Side, round: number, loadSeconds: number): Promise<Load> {
  const nc = await connect({ servers: side.natsUrl, name: "ticketd-bench-ab" });
  try {
    const jsm = await jetstreamManager(nc);
    const run = await createAttempt(
      side.service,
      { url: side.natsUrl, pid: side.natsPid },
      jsm,
      side.token,
      bodies,
      { seconds: loadSeconds, connections, threads: 2, dir: side.tmp, routingUrl: side.routingUrl },
      cleanup,
    );
    const rate = Math.max(1, run.wrk.perSecond);
    const perTicket = (name: string) => cpuOf(run.cpu, name) * 10 / rate;
    const result: Load = {
      round,
      perSecond: run.wrk.perSecond,
      p99Ms: run.wrk.latencyMs.p99,
      non2xx: run.wrk.non2xx,
      serviceMs: perTicket("tickets"),
      natsMs: perTicket("nats-server"),
      postgresMs: perTicket(POSTGRES),
      disturbed: disturbance(run.cpu),
      routing: run.routing && {
        maxLag: run.routing.maxLag,
        p95Lag: run.routing.p95Lag,
        slope: run.routing.lagSlopePerSecond,
        drainMs: run.routing.drainMs,
      },
    };
    console.error(
      `round ${round} ${side.commit}: ${Math.round(result.perSecond)}/s, service ` +
        `${result.serviceMs.toFixed(3)} ms/ticket, routing lag max ${result.routing?.maxLag}, ` +
        `others ${Math.round(result.disturbed)} %`,
    );
    return result;
  } finally {
    await nc.drain();
  }
}

/** Stops the service (V8 writes a profile as a thread ends) and summarises where time went. */
async function profileOf(side: Side): Promise<string> {
  await side.service.stop();
  const results = new URL("./results/", import.meta.url);
  const threads = await summariseProfiles(`${side.tmp}/profile`, results, `ab-${side.commit}`);
  const lines = [`\n### ${side.commit}: where the service's time went\n`];
  for (const t of threads) {
    lines.push(`${t.thread}, ${Math.round(t.idlePercent)} % idle (${t.file}); share of busy time:`);
    const stages = t.stages.filter((s) => s.percent >= 1).map((s) =>
      `${s.stage} ${s.percent.toFixed(0)} %`
    );
    lines.push("", stages.join("; "), "", "| self time | where | % |", "|---|---|---|");
    for (const f of t.selfTime) lines.push(`| ${f.name} | ${f.where} | ${f.percent.toFixed(1)} |`);
    lines.push("");
  }
  return lines.join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function render(sides: Side[]): string {
  const [a, b] = sides;
  const figures: [string, (l: Load) => number, number][] = [
    ["creations/s", (l) => l.perSecond, 0],
    ["p99 latency, ms", (l) => l.p99Ms, 1],
    ["service CPU per ticket, ms", (l) => l.serviceMs, 3],
    ["nats-server CPU per ticket, ms", (l) => l.natsMs, 3],
    ["PostgreSQL CPU per ticket, ms", (l) => l.postgresMs, 3],
    ["service + nats + PostgreSQL per ticket, ms", (l) => l.serviceMs + l.natsMs + l.postgresMs, 3],
    ["routing lag max, msgs", (l) => l.routing?.maxLag ?? NaN, 0],
    ["routing lag trend, msgs/s", (l) => l.routing?.slope ?? NaN, 1],
    ["routing drained after the load, ms", (l) => l.routing?.drainMs ?? NaN, 0],
    ["other CPU during the load, % of a core", (l) => l.disturbed, 0],
  ];
  const lines = [
    `Creation A/B, ${rounds} interleaved rounds of ${seconds} s, ${connections} connections ` +
    `(medians; every load's figures in the JSON)`,
    "",
    `| figure | A ${a.commit} | B ${b.commit} | B ÷ A |`,
    "|---|---|---|---|",
  ];
  for (const [label, value, digits] of figures) {
    const ma = median(a.loads.map(value));
    const mb = median(b.loads.map(value));
    lines.push(
      `| ${label} | ${ma.toFixed(digits)} | ${mb.toFixed(digits)} | ${(mb / ma).toFixed(2)} |`,
    );
  }
  const pairs = a.loads.map((l, i) => b.loads[i].perSecond / l.perSecond);
  lines.push("", `Per-round rate ratios B ÷ A: ${pairs.map((r) => r.toFixed(2)).join(", ")}`);
  return lines.join("\n") + "\n";
}
