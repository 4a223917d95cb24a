/**
 * Loads a million (or `count`) realistic tickets straight into the read model: secondary
 * indexes dropped, rows streamed with COPY, indexes rebuilt from the service's own migration
 * (two at a time), then VACUUM ANALYZE, as a bulk load is done in practice.
 * @module
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { documentTokens, hashTokens } from "@ticketd/shared/search/tokens.ts";
import { bulkSealer, type Seal } from "./bulk_sealer.ts";
import type { CorpusDoc } from "./corpus.ts";
import { seedRows } from "./seed_rows.ts";

export interface SeedOptions {
  databaseUrl: string;
  natsUrl: string;
  tenant: string;
  count: number;
  docs: CorpusDoc[];
  keyring: Keyring;
  maxTokens: number;
}

export interface SeedResult {
  rows: number;
  copySeconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  tableMiB: number;
  indexMiB: number;
}

const MIGRATION = new URL("../services/tickets/migrations/001_read_model.sql", import.meta.url);
const RANK = { low: 0, normal: 1, high: 2, urgent: 3 };
const COLUMNS = (
  "tenant id number status priority priority_rank requester_id assignee_id group_id " +
  "tags subject_sealed search_tokens message_count created_at updated_at version"
).split(" ");

/** Seeds `count` tickets of `tenant`; the tickets table must be empty of that tenant. */
export async function seedTickets(options: SeedOptions): Promise<SeedResult> {
  const sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  try {
    const indexes = await secondaryIndexes();
    for (const { name } of indexes) await sql`drop index ${sql(name)}`;
    let started = performance.now();
    const tokens = options.docs.map((doc) => tokenArray(doc, options.keyring, options.maxTokens));
    const seal = await bulkSealer(options.natsUrl, options.keyring, options.tenant);
    const writable = await sql`copy tickets (${sql(COLUMNS)}) from stdin`.writable();
    await pipeline(Readable.from(copyChunks(options, tokens, seal)), writable);
    const copySeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await buildIndexes(options.databaseUrl, indexes.map((i) => i.ddl), 2);
    const indexSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await sql`vacuum (analyze) tickets`;
    const vacuumSeconds = (performance.now() - started) / 1000;
    const [size] = await sql<{ table: string; indexes: string }[]>`
      select pg_table_size('tickets') as table, pg_indexes_size('tickets') as indexes`;
    const mib = (bytes: string) => Math.round(Number(bytes) / 1048576);
    return {
      rows: options.count,
      copySeconds,
      indexSeconds,
      vacuumSeconds,
      tableMiB: mib(size.table),
      indexMiB: mib(size.indexes),
    };
  } finally {
    await sql.end();
  }
}

function* copyChunks(options: SeedOptions, tokens: string[], seal: Seal): Generator<string> {
  let chunk = "";
  let n = 0;
  for (const row of seedRows(options.count, options.docs, Date.now())) {
    const doc = options.docs[row.doc];
    chunk += [
      options.tenant,
      row.id,
      row.number,
      row.status,
      row.priority,
      RANK[row.priority],
      row.requesterId,
      row.assigneeId ?? "\\N",
      row.groupId ?? "\\N",
      `{${row.tags.join(",")}}`,
      seal(doc.subject, { tenant: options.tenant, ticketId: String(row.id) }),
      tokens[row.doc],
      row.messageCount,
      row.createdAt.toISOString(),
      row.updatedAt.toISOString(),
      1,
    ].join("\t") + "\n";
    if (++n % 2_000 === 0) yield chunk, chunk = "";
  }
  if (chunk) yield chunk;
}

/** The document's keyed token hashes as an int8[] literal, capped like the projector does. */
function tokenArray(doc: CorpusDoc, keyring: Keyring, maxTokens: number): string {
  const tokens = new Set([...documentTokens(doc.subject), ...documentTokens(doc.body)]);
  return `{${hashTokens([...tokens].slice(0, maxTokens), keyring.searchKey).join(",")}}`;
}

async function secondaryIndexes(): Promise<{ name: string; ddl: string }[]> {
  const text = await Deno.readTextFile(MIGRATION);
  return [...text.matchAll(/create index (\w+) on tickets [^;]+;/g)].map((m) => ({
    name: m[1],
    ddl: m[0],
  }));
}

/** Runs the index DDL on `parallel` connections with generous maintenance memory. */
async function buildIndexes(url: string, ddl: string[], parallel: number): Promise<void> {
  const queue = [...ddl];
  await Promise.all(Array.from({ length: parallel }, async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await sql`set maintenance_work_mem = '1GB'`;
      for (let next = queue.shift(); next; next = queue.shift()) await sql.unsafe(next);
    } finally {
      await sql.end();
    }
  }));
}
