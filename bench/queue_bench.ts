/**
 * The agent workspace's queues at scale: a million (or `--tickets`) tickets bulk-loaded into the
 * read model in the projector's own row shape (`seed_tickets.ts`, COPY; a share of the pending
 * ones given a custom status as a `TicketStatusChanged` v2 would), then `GET /v1/tickets/counts`
 * and the first page of each queue (mine, unassigned, my groups, a custom status), timed over
 * HTTP against the real service as an agent of two groups, each also EXPLAINed. Run alone
 * (`deno run -A --unstable-net bench/queue_bench.ts --tickets 1000000`) or from `deno task bench`.
 * @module
 */
import { parseArgs } from "node:util";
import type { Fragment, Sql } from "postgres";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { queueCountsStatement } from "../services/tickets/projections/ticket_counts.ts";
import { runBenchChild } from "./bench_child.ts";
import { Cleanup } from "./cleanup.ts";
import { loadCorpus } from "./corpus.ts";
import { waitForQuiet } from "./cpu.ts";
import { benchSql, createDatabase, startNats, startService } from "./environment.ts";
import { type LatencyResult, measureQuery } from "./query_load.ts";
import { seedTickets } from "./seed_tickets.ts";

export interface QueueBenchOptions {
  tickets: number;
  requests: number;
  /** Each query is timed at each of these numbers of concurrent clients. */
  concurrency: number[];
  maxSecondsPerQuery: number;
}

export const FULL: QueueBenchOptions = {
  tickets: 1_000_000,
  requests: 2_000,
  concurrency: [1, 8],
  maxSecondsPerQuery: 30,
};
export const QUICK: QueueBenchOptions = { ...FULL, tickets: 100_000, requests: 400 };

/** The target: every queue count and first page under this p95, over HTTP. */
export const TARGET_P95_MS = 50;

export interface QueueFigures {
  tickets: number;
  seedSeconds: number;
  /** Open tickets in each queue of the bench agent, and those holding the custom status. */
  sizes: Record<string, number>;
  background: number;
  queries: {
    name: string;
    path: string;
    /** By number of concurrent clients. */
    http: { concurrency: number; latency: LatencyResult }[];
    sqlMs: number;
    plan: string[];
  }[];
}

const TENANT = "queues";
/** The most frequent agent of the seed (Zipf rank 1) and two of its groups. */
const AGENT = { sub: "agent-001", groups: ["support", "billing"] };
const OPEN = "new,open,pending,on_hold";
/** One pending ticket in this many is "Waiting on vendor". */
const CUSTOM_SHARE = 3;

/** Seeds, then times each queue query, against processes started under `tmp`. */
export async function runQueueBench(
  o: QueueBenchOptions,
  tmp: string,
  cleanup: Cleanup,
): Promise<QueueFigures> {
  const nats = await startNats(tmp, cleanup);
  const databaseUrl = await createDatabase(cleanup);
  const dataDir = `${tmp}/data`;
  const service = await startService({ natsUrl: nats.url, databaseUrl, dataDir }, cleanup);
  const keys = await loadOrCreateDevKeys(dataDir);
  const mint = (role: "admin" | "agent", groups: string[] = []) =>
    mintDevToken(keys, { sub: AGENT.sub, tenant: TENANT, role, groups });
  const keyring = parseKeyring(JSON.parse(await Deno.readTextFile(`${dataDir}/keyring.json`)));
  const statusId = await defineStatus(service.url, await mint("admin"));
  const started = performance.now();
  console.error(`queues: seeding ${o.tickets.toLocaleString("en")} tickets …`);
  await seedTickets({
    databaseUrl,
    natsUrl: nats.url,
    tenant: TENANT,
    count: o.tickets,
    docs: await loadCorpus(),
    keyring,
    maxTokens: 4_096,
  });
  const sql = benchSql(databaseUrl, 2);
  cleanup.add("queue bench database connection", () => sql.end());
  await giveCustomStatus(sql, statusId);
  const seedSeconds = (performance.now() - started) / 1000;
  const sizes = await queueSizes(sql, statusId);
  const token = await mint("agent", AGENT.groups);
  const background = await waitForQuiet("the queue queries");
  const queries = [];
  for (const query of queueQueries(statusId)) {
    console.error(`queues: ${query.name}`);
    const http = [];
    for (const concurrency of o.concurrency) {
      const latency = await measureQuery(query.path, {
        url: service.url,
        token,
        concurrency,
        requests: o.requests,
        maxSeconds: o.maxSecondsPerQuery,
      });
      http.push({ concurrency, latency });
    }
    queries.push({ name: query.name, path: query.path, http, ...await explain(sql, query.sql) });
  }
  return { tickets: o.tickets, seedSeconds, sizes, background, queries };
}

/** The queries the console sends (web/agent/queues.js), and the SQL each becomes. */
function queueQueries(statusId: string) {
  const page = "sort=-updated_at&limit=50";
  const scope = (sql: Sql) =>
    sql`(group_id is null or group_id = any(${AGENT.groups}::text[])
      or assignee_id = ${AGENT.sub})`;
  const openList = ["new", "open", "pending", "on_hold"];
  const list = (where: (sql: Sql) => Fragment) => (sql: Sql) =>
    sql`select id from tickets where tenant = ${TENANT} and ${scope(sql)} and ${where(sql)}
      order by updated_at desc, id desc limit 51`;
  return [
    {
      name: "counts (mine, unassigned, groups)",
      path: "/v1/tickets/counts?queue=mine&queue=unassigned&queue=groups",
      sql: (sql: Sql) =>
        queueCountsStatement(sql, {
          tenant: TENANT,
          scope: { kind: "groups", groups: AGENT.groups, assigneeId: AGENT.sub },
          actor: { id: AGENT.sub, groups: AGENT.groups },
          queues: ["mine", "unassigned", "groups"],
        }),
    },
    {
      name: "first page: mine",
      path: `/v1/tickets?assignee=${AGENT.sub}&status=${OPEN}&${page}`,
      sql: list((sql) => sql`assignee_id = ${AGENT.sub} and status = any(${openList}::text[])`),
    },
    {
      name: "first page: unassigned",
      path: `/v1/tickets?assignee=none&status=${OPEN}&${page}`,
      sql: list((sql) => sql`assignee_id is null and status = any(${openList}::text[])`),
    },
    {
      name: "first page: my groups",
      path: `/v1/tickets?group=support&group=billing&status=${OPEN}&${page}`,
      sql: list((sql) =>
        sql`group_id = any(${AGENT.groups}::text[]) and status = any(${openList}::text[])`
      ),
    },
    {
      name: "first page: custom status (Waiting on vendor)",
      path: `/v1/tickets?custom_status=${statusId}&${page}`,
      sql: list((sql) => sql`custom_status_id = ${statusId}`),
    },
  ];
}

async function defineStatus(url: string, adminToken: string): Promise<string> {
  const response = await fetch(`${url}/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ category: "pending", names: { en: "Waiting on vendor" } }),
  });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`custom status: ${JSON.stringify(body)}`);
  return body.id;
}

/** What the projector writes for a move to the custom status: the column, not the category. */
async function giveCustomStatus(sql: Sql, statusId: string): Promise<void> {
  await sql`update tickets set custom_status_id = ${statusId}
            where tenant = ${TENANT} and status = 'pending' and id % ${CUSTOM_SHARE} = 0`;
  await sql`vacuum (analyze) tickets`;
}

async function queueSizes(sql: Sql, statusId: string): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    select
      count(*) filter (where assignee_id = ${AGENT.sub})::int4 as mine,
      count(*) filter (where assignee_id is null)::int4 as unassigned,
      count(*) filter (where group_id = any(${AGENT.groups}))::int4 as groups,
      count(*) filter (where custom_status_id = ${statusId})::int4 as custom_status
    from tickets where tenant = ${TENANT} and status in ('new', 'open', 'pending', 'on_hold')`;
  return row;
}

/** EXPLAIN ANALYZE of a query's SQL. */
async function explain(
  sql: Sql,
  query: (sql: Sql) => Fragment,
): Promise<{ sqlMs: number; plan: string[] }> {
  const rows = await sql<Record<string, string>[]>`explain (analyze, buffers) ${query(sql)}`;
  const lines = rows.map((row) => String(Object.values(row)[0]));
  const sqlMs = Number(/Execution Time: ([\d.]+)/.exec(lines.join("\n"))?.[1] ?? NaN);
  const plan = lines.filter((l) => /->|Execution Time/.test(l))
    .map((l) => l.replace(/\s+\(cost=[^)]*\)/, "").trimEnd()).slice(0, 14);
  return { sqlMs, plan };
}

/** Runs this file as a child (its own service, NATS and database); its figures. */
export async function runQueueBenchChild(o: QueueBenchOptions): Promise<QueueFigures> {
  return await runBenchChild(import.meta.url, [`--options=${JSON.stringify(o)}`], [
    "--unstable-net",
  ]);
}

/** The Queues section of the report. */
export function queueSection(x: QueueFigures): string[] {
  const ms = (n: number) => n.toFixed(1);
  const sizes = Object.entries(x.sizes).map(([k, v]) => `${k} ${v.toLocaleString("en")}`);
  return [
    "",
    "## Queues",
    "",
    `${x.tickets.toLocaleString("en")} tickets seeded in ${x.seedSeconds.toFixed(0)} s ` +
    `(COPY into the read model, then a custom status on every ${CUSTOM_SHARE}rd pending one). ` +
    `Open tickets per queue of ${AGENT.sub} (groups ${AGENT.groups.join(", ")}): ` +
    `${sizes.join(", ")}. Machine busy before the queries: ${x.background} %.`,
    "",
    `| query | clients | rows | p50 ms | p95 ms | p99 ms | req/s | errors | SQL ms | p95 < ${TARGET_P95_MS} ms |`,
    "|---|---|---|---|---|---|---|---|---|---|",
    ...x.queries.flatMap(({ name, http, sqlMs }) =>
      http.map(({ concurrency, latency: h }) =>
        `| ${name} | ${concurrency} | ${h.pageSize} | ${ms(h.ms.p50)} | ${ms(h.ms.p95)} | ${
          ms(h.ms.p99)
        } | ${h.perSecond.toFixed(0)} | ${h.errors} | ${ms(sqlMs)} | ${
          h.ms.p95 < TARGET_P95_MS ? "yes" : "**no**"
        } |`
      )
    ),
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      tickets: { type: "string" },
      options: { type: "string" },
    },
  });
  const o: QueueBenchOptions = values.options
    ? JSON.parse(values.options)
    : { ...(values.quick ? QUICK : FULL) };
  if (values.tickets) o.tickets = Number(values.tickets);
  const cleanup = new Cleanup();
  const tmp = await Deno.makeTempDir({ prefix: "ticketd_queue_bench_" });
  cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
  try {
    const figures = await runQueueBench(o, tmp, cleanup).catch(async (error) => {
      const log = await Deno.readTextFile(`${tmp}/data/service.log`).catch(() => "");
      console.error(`the tickets service's log ends:\n${log.slice(-3000)}`);
      throw error;
    });
    if (!values.options) {
      console.error(queueSection(figures).join("\n"));
      for (const q of figures.queries) console.error(`\n${q.name}\n  ${q.plan.join("\n  ")}`);
    }
    console.log(JSON.stringify(figures));
  } finally {
    await cleanup.run();
  }
}
