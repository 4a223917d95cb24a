/**
 * The similar-ticket index at scale: builds one tenant's index of 1,000,000 synthetic tickets
 * recombined from real text (GitBugs, Bitext customer support, Chinese VS Code issues), then
 * times ~2,000 lookups. Prints a JSON line and human lines; under two minutes, one core.
 *
 *   deno run -A bench/similar_bench.ts [--tickets 1000000] [--queries 2000]
 *   (with --v8-flags=--expose-gc the heap figures are taken after a collection)
 * @module
 */
import { seededRandom } from "@ticketd/shared/runtime/seeded_random.ts";
import { parseArgs } from "node:util";
import { parseTenantProfiles } from "../shared/crypto/profiles.ts";
import {
  SimilarIndex,
  similarTokenHasher,
  type TicketText,
} from "../services/routing/similar/mod.ts";
import { dataDir, loadCorpus } from "./corpus.ts";

const TENANT = "bench";
const FIRST_ID = 7_300_000_000_000_000_000n;
const BODY_CHARS = 500;

export interface SimilarBenchOptions {
  tickets: number;
  queries: number;
  seed?: number;
}

/** Builds the index, measures it and returns the summary (also printed by the script). */
export async function runSimilarBench(options: SimilarBenchOptions) {
  const texts = await sourceTexts();
  const random = seededRandom(options.seed ?? 42);
  const hasher = similarTokenHasher(new Uint8Array(32).fill(9), parseTenantProfiles("intl"));
  const index = new SimilarIndex(hasher);
  const before = memory();
  const started = performance.now();
  for (let i = 0; i < options.tickets; i++) {
    index.upsert(TENANT, ticketId(i), synthetic(texts, random));
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const after = memory();
  const latencies = lookups(index, texts, random, options);
  const perTicket = (bytes: number) => Math.round(bytes / options.tickets);
  return {
    bench: "similar",
    tickets: index.size(TENANT),
    buildSeconds: round(buildSeconds),
    buildPerSecond: Math.round(options.tickets / buildSeconds),
    indexBytesPerTicket: perTicket(index.memoryBytes()),
    indexBytesPerTicketByPart: Object.fromEntries(
      Object.entries(index.memoryByPart(TENANT)).map(([part, bytes]) => [part, perTicket(bytes)]),
    ),
    rssBytesPerTicket: perTicket(after.rss - before.rss),
    heapAndExternalBytesPerTicket: perTicket(after.heap - before.heap),
    queries: latencies.length,
    p50Ms: round(quantile(latencies, 0.5)),
    p95Ms: round(quantile(latencies, 0.95)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(quantile(latencies, 1)),
    targetP99Ms: 20,
  };
}

/** Half the lookups are similarTo(indexed ticket), half query(new perturbed text). */
function lookups(
  index: SimilarIndex,
  texts: TicketText[],
  random: () => number,
  options: SimilarBenchOptions,
): number[] {
  const latencies: number[] = [];
  for (let q = 0; q < options.queries; q++) {
    const text = synthetic(texts, random);
    const id = ticketId(Math.floor(random() * options.tickets));
    const started = performance.now();
    if (q % 2 === 0) index.similarTo(TENANT, id, 10);
    else index.query(TENANT, text, 10);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** One synthetic ticket: a real subject with a word from another, a window of a real body, a
 * sentence of a third, and two identifiers of the kind that make a real vocabulary's long tail. */
function synthetic(texts: TicketText[], random: () => number): TicketText {
  const pick = () => texts[Math.floor(random() * texts.length)];
  const base = pick(), other = pick(), third = pick();
  const words = base.subject.split(" ");
  const swap = other.subject.split(" ");
  words[Math.floor(random() * words.length)] = swap[Math.floor(random() * swap.length)];
  const from = Math.floor(random() * Math.max(1, base.body.length - BODY_CHARS));
  const sentence = third.body.slice(0, 160);
  const tail = `ref ${Math.floor(random() * 1e9).toString(36)} build ${Math.floor(random() * 1e5)}`;
  return {
    subject: words.join(" "),
    body: `${base.body.slice(from, from + BODY_CHARS)}\n${sentence}\n${tail}`,
  };
}

/** Real texts: GitBugs and VS Code issues (bench/corpus.ts) and Bitext requests, mixed ~1:1. */
async function sourceTexts(): Promise<TicketText[]> {
  const bugs = (await loadCorpus()).map(({ subject, body }) => ({ subject, body }));
  const csv = await Deno.readTextFile(
    new URL("bitext_customer_support/bitext_customer_support.csv", dataDir()),
  );
  const support = csvRows(csv).slice(1).map((row) => ({
    subject: row[1].split(/\s+/).slice(0, 8).join(" "),
    body: row[1],
  }));
  return [...bugs, ...support.filter((_, i) => i % 7 === 0)];
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (row.push(field), field = "");
    else if (c === "\n") (row.push(field), rows.push(row), row = [], field = "");
    else if (c !== "\r") field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

function ticketId(i: number): string {
  return (FIRST_ID + BigInt(i) * 4099n).toString();
}

function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = Deno.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      tickets: { type: "string", default: "1000000" },
      queries: { type: "string", default: "2000" },
    },
  });
  const r = await runSimilarBench({
    tickets: Number(values.tickets),
    queries: Number(values.queries),
  });
  console.log(JSON.stringify(r));
  console.log(
    `similar tickets: ${r.tickets} indexed in ${r.buildSeconds} s (${r.buildPerSecond}/s)`,
  );
  console.log(
    `memory per ticket: index ${r.indexBytesPerTicket} B (memoryBytes), ` +
      `RSS +${r.rssBytesPerTicket} B, heap+external +${r.heapAndExternalBytesPerTicket} B`,
  );
  console.log(
    `lookup over ${r.queries}: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms ` +
      `(target p99 < ${r.targetP99Ms} ms), max ${r.maxMs} ms`,
  );
}
