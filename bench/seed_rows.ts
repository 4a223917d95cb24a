/**
 * Realistic read-model rows for one tenant: two years of tickets whose status depends on their
 * age, priorities from the source data, Zipf-distributed agents, requesters and tags, and the
 * search tokens of real English and Chinese ticket text. Deterministic for a given seed.
 * @module
 */
import { seededRandom } from "@ticketd/shared/runtime/seeded_random.ts";
import { SNOWFLAKE_EPOCH_MS, SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import type { CorpusDoc } from "./corpus.ts";

export interface SeedRow {
  id: string;
  number: number;
  status: string;
  priority: CorpusDoc["priority"];
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  tags: string[];
  doc: number;
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const DAY_MS = 86_400_000;
const SPAN_MS = 730 * DAY_MS;
const GROUPS = ["support", "billing", "platform", "storage", "browser", "editor", "security"];
export const TAGS = (
  "bug regression performance ui crash docs build network security windows macos linux " +
  "upgrade config api billing vip data auth flaky-test memory install i18n " +
  "accessibility sla-breach question"
).split(" ");
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const STATUS_BY_AGE: [maxAgeDays: number, weights: Record<string, number>][] = [
  [7, { new: 30, open: 40, pending: 20, on_hold: 5, solved: 5 }],
  [60, { new: 5, open: 25, pending: 15, on_hold: 5, solved: 25, closed: 25 }],
  [Infinity, { open: 4, pending: 2, on_hold: 2, solved: 12, closed: 80 }],
];

/** Picks 0..n-1 with probability proportional to 1/(k+1)^s. */
export function zipf(n: number, s: number, rand: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) cumulative.push(total += 1 / (k + 1) ** s);
  return () => {
    const x = rand() * total;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** `count` rows in creation order, ending at `nowMs`; `docs` must hold English and Chinese. */
export function* seedRows(count: number, docs: CorpusDoc[], nowMs: number, seed = 42) {
  const rand = seededRandom(seed);
  const english = docs.flatMap((d, i) => d.lang === "en" ? [i] : []);
  const chinese = docs.flatMap((d, i) => d.lang === "zh" ? [i] : []);
  const agent = zipf(150, 0.8, rand), requester = zipf(100_000, 1.0, rand);
  const tag = zipf(TAGS.length, 1.0, rand);
  let createdMs = nowMs - SPAN_MS;
  const ids = new SnowflakeGenerator(7, () => Math.max(createdMs, SNOWFLAKE_EPOCH_MS));
  for (let i = 0; i < count; i++) {
    createdMs = nowMs - SPAN_MS + Math.floor(((i + rand()) / count) * SPAN_MS);
    const pool = rand() < 0.15 ? chinese : english;
    const doc = pool[Math.floor(rand() * pool.length)];
    const ageDays = (nowMs - createdMs) / DAY_MS;
    const status = pick(STATUS_BY_AGE.find(([max]) => ageDays < max)![1], rand);
    const priority = rand() < 0.7
      ? docs[doc].priority
      : PRIORITIES[weighted([20, 55, 18, 7], rand)];
    const unassigned = status === "new" ? rand() < 0.6 : rand() < 0.05;
    const tags = new Set([docs[doc].project, `lang:${docs[doc].lang}`]);
    for (let t = Math.floor(rand() * 4); t > 0; t--) tags.add(TAGS[tag()]);
    const settled = status === "solved" || status === "closed";
    const activeMs = Math.min(nowMs - createdMs, (settled ? 30 : 120) * DAY_MS);
    yield {
      id: ids.next(),
      number: i + 1,
      status,
      priority,
      requesterId: `customer-${requester() + 1}`,
      assigneeId: unassigned ? null : `agent-${String(agent() + 1).padStart(3, "0")}`,
      groupId: unassigned && rand() < 0.5 ? null : GROUPS[Math.floor(rand() * GROUPS.length)],
      tags: [...tags],
      doc,
      messageCount: 1 + Math.floor(-Math.log(1 - rand()) * 3),
      createdAt: new Date(createdMs),
      updatedAt: new Date(createdMs + Math.floor(rand() * activeMs)),
    } satisfies SeedRow;
  }
}

function pick(weights: Record<string, number>, rand: () => number): string {
  const names = Object.keys(weights);
  return names[weighted(names.map((n) => weights[n]), rand)];
}

function weighted(weights: number[], rand: () => number): number {
  let x = rand() * weights.reduce((a, b) => a + b, 0);
  for (const [i, w] of weights.entries()) if ((x -= w) < 0) return i;
  return weights.length - 1;
}
