/**
 * Rebuilding the audit log from JetStream into another set of tables (a fresh schema, or another
 * database) and comparing it with the live log entry by entry. From a point in time, each chain
 * continues from the live entry before it. Used by `deno task audit:replay` and the tests.
 * @module
 */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { chainBatch } from "./domain/chain_batch.ts";
import type { ChainHead, HashAlg } from "./domain/chain.ts";
import type { SourceKind } from "./domain/entry.ts";
import type { SourceMessage } from "./domain/source_entries.ts";
import { streamExists } from "./ingest/source_stream.ts";
import { AuditStore, type ComparableRow, entriesBySeq } from "./store/audit_store.ts";

export interface ReplayDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The live log. */
  live: Sql;
  /** Where the rebuilt log goes: an empty schema or database (migrated here). */
  target: Sql;
  sources: { kind: SourceKind; stream: string }[];
  algOf: (tenant: string) => HashAlg;
  batchSize: number;
  progress?: (stream: string, seq: number, last: number) => void;
}

export interface Difference {
  stream: string;
  seq: number;
  field: string;
  live: unknown;
  replayed: unknown;
}

export interface ReplayReport {
  entries: number;
  compared: number;
  difference: Difference | null;
}

/** Replays every source stream (from `from`, else from the start) and compares. */
export async function replayAuditLog(deps: ReplayDeps, from?: Date): Promise<ReplayReport> {
  await migrate(deps.target, "audit", new URL("./migrations/", import.meta.url));
  const target = new AuditStore(deps.target);
  const live = new AuditStore(deps.live);
  let entries = 0;
  let compared = 0;
  for (const { kind, stream } of deps.sources) {
    if (!(await streamExists(deps.jsm, stream))) continue;
    const last = (await deps.jsm.streams.info(stream)).state.last_seq;
    const written = await replayStream(deps, target, live, kind, stream, last, from);
    entries += written.entries;
    if (written.firstSeq > last) continue;
    const upTo = Math.min(last, await live.position(stream));
    const result = await compare(deps, stream, written.firstSeq, upTo);
    compared += result.compared;
    if (result.difference) return { entries, compared, difference: result.difference };
  }
  return { entries, compared, difference: null };
}

async function replayStream(
  deps: ReplayDeps,
  target: AuditStore,
  live: AuditStore,
  kind: SourceKind,
  stream: string,
  last: number,
  from?: Date,
): Promise<{ entries: number; firstSeq: number }> {
  if (last === 0) return { entries: 0, firstSeq: 1 };
  const consumer = await deps.js.consumers.get(
    stream,
    from
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.toISOString() }
      : { deliver_policy: DeliverPolicy.All },
  );
  const messages = await consumer.consume({ max_messages: deps.batchSize * 2 });
  let heads: Map<string, ChainHead> | null = null;
  let firstSeq = last + 1;
  let entries = 0;
  let batch: SourceMessage[] = [];
  const flush = async () => {
    const chained = chainBatch(kind, batch, heads!, deps.algOf);
    await target.append(stream, chained);
    for (const [tenant, head] of chained.heads) heads!.set(tenant, head);
    entries += batch.length;
    deps.progress?.(stream, chained.lastSeq, last);
    batch = [];
  };
  // With nothing at or after `from`, the consumer would wait forever: check the time first.
  if (from && !(await anyAfter(deps.jsm, stream, last, from))) {
    messages.stop();
    return { entries: 0, firstSeq };
  }
  for await (const msg of messages) {
    if (heads === null) {
      firstSeq = msg.seq;
      heads = await live.headsBefore(stream, firstSeq);
      await target.seedHeads(stream, heads);
    }
    batch.push({
      stream,
      seq: msg.seq,
      subject: msg.subject,
      data: msg.data,
      storedAtMs: Math.floor(msg.info.timestampNanos / 1e6),
    });
    if (batch.length >= deps.batchSize || msg.seq >= last) await flush();
    if (msg.seq >= last) break;
  }
  messages.stop();
  return { entries, firstSeq };
}

async function anyAfter(jsm: JetStreamManager, stream: string, last: number, from: Date) {
  const message = await jsm.streams.getMessage(stream, { seq: last });
  return message !== null && message.time.getTime() >= from.getTime();
}

const COMPARED: (keyof ComparableRow)[] = ["tenant", "n", "entry", "alg", "prevHash", "hash"];

async function compare(
  deps: ReplayDeps,
  stream: string,
  fromSeq: number,
  toSeq: number,
): Promise<{ compared: number; difference: Difference | null }> {
  const replayed = entriesBySeq(deps.target, stream, fromSeq, toSeq);
  let compared = 0;
  for await (const row of entriesBySeq(deps.live, stream, fromSeq, toSeq)) {
    const next = await replayed.next();
    const other = next.done ? null : next.value;
    if (!other || other.seq !== row.seq) {
      return {
        compared,
        difference: { stream, seq: row.seq, field: "seq", live: row.seq, replayed: other?.seq },
      };
    }
    const field = COMPARED.find((name) => row[name] !== other[name]);
    if (field) {
      return {
        compared,
        difference: { stream, seq: row.seq, field, live: row[field], replayed: other[field] },
      };
    }
    compared++;
  }
  const extra = await replayed.next();
  if (!extra.done) {
    const seq = extra.value.seq;
    return { compared, difference: { stream, seq, field: "seq", live: null, replayed: seq } };
  }
  return { compared, difference: null };
}
