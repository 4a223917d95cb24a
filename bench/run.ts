/**
 * One benchmark run, phase by phase, in one hermetic setting so the figures compare: operation
 * costs, routing's in-process figures, the raw JetStream ceiling, ticket creation over HTTP (with
 * routing's lag behind it), then reads over a seeded read model, then the sessions service's
 * sockets in a run of their own (bench/sessions_bench.ts: its own service, NATS and database),
 * and last the attachments service's throughput and memory, also in a run of its own
 * (bench/attachments_bench.ts: its own service, NATS, database and s3rver). With `profile`, the
 * service runs under `--cpu-prof` for the creation load and for the queries (restarted around
 * each, which the service supports: state is in NATS and PostgreSQL).
 * @module
 */
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import type { Cleanup } from "./cleanup.ts";
import { waitForQuiet } from "./cpu.ts";
import { type ProfileSummary, summariseProfiles } from "./cpu_profile.ts";
import { loadCorpus } from "./corpus.ts";
import {
  ADMIN_URL,
  createDatabase,
  type ServiceProcess,
  startNats,
  startService,
} from "./environment.ts";
import { measureCeiling } from "./jetstream_ceiling.ts";
import { machineInfo, sourceInfo } from "./machine.ts";
import { measureOpCosts } from "./op_costs.ts";
import { measureQueries, seedReadModel } from "./read_phase.ts";
import type { BenchResults, BenchSettings } from "./report.ts";
import { runRoutingBenchChild } from "./routing_bench.ts";
import { runSessionsBenchChild } from "./sessions_bench.ts";
import { runAttachmentsBenchChild } from "./attachments_bench.ts";
import { waitForRouting } from "./routing_lag.ts";
import { measureCreation } from "./write_phase.ts";
import { runCryptoBench } from "./crypto_bench.ts";
import { runTokenBench } from "./token_bench.ts";

const RESULTS = new URL("./results/", import.meta.url);

/** Runs every phase in `tmp`, registering what it starts with `cleanup`. */
export async function runBench(s: BenchSettings, tmp: string, cleanup: Cleanup) {
  const machine = await machineInfo(ADMIN_URL);
  const source = await sourceInfo();
  const docs = await loadCorpus();
  const background: Record<string, number> = {};
  background.opCosts = await waitForQuiet("the operation costs");
  const opCosts = await measureOpCosts(docs, tmp);
  background.tokens = await waitForQuiet("token verification");
  console.error("token verification (EdDSA, ES256, SM2; cold and cached) …");
  const tokens = await runTokenBench();
  background.crypto = await waitForQuiet("the ciphers");
  console.error("ciphers (AES-256-GCM, SM4-GCM, SM3, SM2) …");
  const ciphers = await runCryptoBench();
  let routing = null;
  if (s.routingTickets > 0) {
    background.routing = await waitForQuiet("routing's in-process figures");
    console.error(
      `routing: decision latency, similar tickets at ${s.routingTickets}, SLA timer memory …`,
    );
    routing = await runRoutingBenchChild(s.quick, s.routingTickets);
  }
  const nats = await startNats(tmp, cleanup);
  background.ceiling = await waitForQuiet("the JetStream ceiling");
  console.error("raw JetStream publish ceiling …");
  const ceiling = await measureCeiling({
    natsUrl: nats.url,
    natsPid: nats.pid,
    runs: [
      { window: 64, noAsyncTraces: false },
      { window: 512, noAsyncTraces: false },
      { window: 512, noAsyncTraces: true },
    ],
    maxMessages: s.quick ? 20_000 : 100_000,
    maxSeconds: s.quick ? 4 : 15,
    messageBytes: 700,
    duplicateWindowMs: 3_600_000, // as the service's TICKETS stream
  });
  const databaseUrl = await createDatabase(cleanup);
  // Tenant "load" seals under intl (the default), "loadgm" under gm: one service, both profiles.
  // Routing (in the same process) on a port the system picks; it writes `routing.url`.
  const extra = {
    TICKETD_TENANT_PROFILES: "loadgm=gm",
    TICKETD_ROUTING_PORT: "0",
    ...s.serviceEnv,
  };
  const env = { natsUrl: nats.url, databaseUrl, dataDir: `${tmp}/service`, extra };
  const start = (phase: string) =>
    startService({
      ...env,
      extraArgs: s.profile ? ["--cpu-prof", `--cpu-prof-dir=${tmp}/profile-${phase}`] : [],
    }, cleanup);
  const profiles: Record<string, ProfileSummary[]> = {};
  const stops: Record<string, { ms: number; killed: boolean }> = {};
  const finish = async (service: ServiceProcess, phase: string) => {
    if (!s.profile) return;
    stops[phase] = await service.stop();
    profiles[phase] = await summariseProfiles(`${tmp}/profile-${phase}`, RESULTS, phase);
  };

  let service = await start("create");
  const keys = await loadOrCreateDevKeys(service.dataDir);
  const token = (tenant: string) =>
    mintDevToken(keys, { sub: "bench", tenant, role: "supervisor" });
  console.error(`ticket creation: wrk ${s.connections} connections for ${s.seconds} s …`);
  const routingUrl = await waitForRouting(service.dataDir, await token("load"));
  const load = { seconds: s.seconds, connections: s.connections, threads: 2, dir: tmp, routingUrl };
  // Unreported: without it the first measured profile pays for the JIT and cold caches.
  console.error("warm-up load (not reported) …");
  await measureCreation(service, nats, await token("warmup"), docs, {
    ...load,
    seconds: Math.min(5, s.seconds),
  }, cleanup);
  const create = await measureCreation(service, nats, await token("load"), docs, load, cleanup);
  console.error(`ticket creation under the gm profile (SM4-GCM, SM2-wrapped keys) …`);
  const createGm = await measureCreation(service, nats, await token("loadgm"), docs, load, cleanup);
  await finish(service, "create");

  let reads = null;
  if (s.tickets > 0) {
    const readSettings = {
      tickets: s.tickets,
      tenant: "bench",
      concurrency: 8,
      requests: s.requests,
      maxSecondsPerQuery: s.quick ? 10 : 30,
      maxTokens: 4_096, // TICKETD_SEARCH_MAX_TOKENS default
    };
    const seed = await seedReadModel(service, databaseUrl, nats.url, docs, readSettings);
    if (s.profile) service = await start("reads");
    const measured = await measureQueries(service, databaseUrl, await token("bench"), readSettings);
    await finish(service, "reads");
    reads = { seed, ...measured };
  }
  await service.stop(); // the sessions phase starts a service of its own: not two at once
  let sessions = null;
  if (s.sessions) {
    background.sessions = await waitForQuiet("the sessions phase");
    console.error(`sessions: ${s.sessions.connections} idle sockets, delivery latency, soak …`);
    sessions = await runSessionsBenchChild(s.sessions);
  }
  let attachments = null;
  if (s.attachments) {
    background.attachments = await waitForQuiet("the attachments phase");
    const mb = s.attachments.bigBytes / 1_000_000;
    console.error(`attachments: 1 MB and 100 MB files up and down, ${mb} MB streamed …`);
    attachments = await runAttachmentsBenchChild(s.attachments);
  }
  return {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    command: `deno task bench ${Deno.args.join(" ")}`.trim(),
    background,
    settings: s,
    source,
    machine,
    opCosts,
    ceiling,
    create,
    createGm,
    tokens,
    ciphers,
    routing,
    profiles,
    stops,
    reads,
    sessions,
    attachments,
  } satisfies BenchResults;
}
