/**
 * The read side of a run: seed the read model with realistic tickets straight into PostgreSQL,
 * then time each query over HTTP and once in SQL with EXPLAIN ANALYZE.
 * @module
 */
import { decodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import { parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { cpuSnapshot, cpuUsage, type ProcessCpu, waitForQuiet } from "./cpu.ts";
import { benchSql, type ServiceProcess } from "./environment.ts";
import type { CorpusDoc } from "./corpus.ts";
import { type LatencyOptions, type LatencyResult, measureQuery } from "./query_load.ts";
import { disturbance, DISTURBED_PERCENT } from "./write_phase.ts";
import { explain, type Explained, type QueryTargets, readQueries } from "./read_queries.ts";
import { type SeedResult, seedTickets } from "./seed_tickets.ts";

export interface QueryFigures {
  name: string;
  path: string;
  http: LatencyResult;
  /** CPU while the HTTP requests ran: service, all postgres processes, machine. */
  cpu: ProcessCpu[];
  /** Runs made; a run disturbed by other processes is repeated (see write_phase.ts). */
  attempts: number;
  sql: Explained;
}

export interface ReadFigures {
  seed: SeedResult;
  /** Machine CPU % busy just before the queries (other work on the machine). */
  background: number;
  queries: QueryFigures[];
}

export interface ReadSettings {
  tickets: number;
  tenant: string;
  concurrency: number;
  requests: number;
  maxSecondsPerQuery: number;
  maxTokens: number;
}

const TARGETS = {
  assignee: "agent-010",
  tag: "security",
  chineseWord: "崩溃",
  englishWord: "namenode",
  missingWord: "namenodee",
};

/** Seeds `settings.tickets` rows of `settings.tenant` with the service's keyring. */
export async function seedReadModel(
  service: ServiceProcess,
  databaseUrl: string,
  natsUrl: string,
  docs: CorpusDoc[],
  settings: ReadSettings,
): Promise<SeedResult> {
  console.error(`seeding ${settings.tickets.toLocaleString("en")} tickets …`);
  return await seedTickets({
    databaseUrl,
    natsUrl,
    tenant: settings.tenant,
    count: settings.tickets,
    docs,
    keyring: await serviceKeyring(service),
    maxTokens: settings.maxTokens,
  });
}

/** Times each read query over HTTP, then explains it in SQL. */
export async function measureQueries(
  service: ServiceProcess,
  databaseUrl: string,
  token: string,
  settings: ReadSettings,
): Promise<{ background: number; queries: QueryFigures[] }> {
  const targets: QueryTargets = {
    ...TARGETS,
    searchKey: (await serviceKeyring(service)).searchKey,
  };
  const load = {
    url: service.url,
    token,
    concurrency: settings.concurrency,
    requests: settings.requests,
    maxSeconds: settings.maxSecondsPerQuery,
  };
  const firstPage = await (await fetch(service.url + readQueries(targets)[0].path, {
    headers: { authorization: `Bearer ${token}` },
  })).json();
  const sql = benchSql(databaseUrl, 1);
  try {
    const queries: QueryFigures[] = [];
    const background = await waitForQuiet("the read queries");
    for (const query of readQueries(targets, cursorOf(firstPage.nextCursor))) {
      console.error(`query: ${query.name}`);
      const { http, cpu, attempts } = await leastDisturbed(service, query.path, load);
      const explained = await explain(sql, settings.tenant, query);
      queries.push({ name: query.name, path: query.path, http, cpu, attempts, sql: explained });
    }
    return { background, queries };
  } finally {
    await sql.end();
  }
}

/** Up to three runs of one query, stopping at the first undisturbed one; the least disturbed. */
async function leastDisturbed(service: ServiceProcess, path: string, load: LatencyOptions) {
  let best: { http: LatencyResult; cpu: ProcessCpu[]; disturbed: number } | null = null;
  let attempts = 0;
  while (attempts++ < 3) {
    const pids = { tickets: service.pid, bench: Deno.pid };
    const before = await cpuSnapshot(pids);
    const http = await measureQuery(path, load);
    const cpu = cpuUsage(before, await cpuSnapshot(pids));
    const disturbed = disturbance(cpu);
    if (!best || disturbed < best.disturbed) best = { http, cpu, disturbed };
    if (disturbed < DISTURBED_PERCENT) break;
    console.error(`  disturbed (${Math.round(disturbed)} % other CPU); again`);
    await waitForQuiet(path);
  }
  return { ...best!, attempts };
}

async function serviceKeyring(service: ServiceProcess) {
  return parseKeyring(JSON.parse(await Deno.readTextFile(`${service.dataDir}/keyring.json`)));
}

function cursorOf(token: string | null) {
  if (!token) return undefined;
  const [, at, id] = JSON.parse(new TextDecoder().decode(decodeBase64(token)));
  return { token, at: new Date(at), id: String(id) };
}
