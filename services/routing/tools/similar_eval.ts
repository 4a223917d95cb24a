/**
 * Recall of the similar-ticket index against the duplicate links of the GitBugs tickets:
 * index every row of a project (subject = summary, body = description), then, for each ticket
 * whose `duplicate_of` targets are in the set, see where the first linked duplicate ranks.
 *
 *   deno run -A services/routing/tools/similar_eval.ts [--project=hadoop] [--set=k1=1.5,b=0.6]
 *
 * Tune on Hadoop only: the SeaMonkey links are kept aside (the data set's README says why), so
 * SeaMonkey is run for its time alone.
 * @module
 */
import { dataSetsDir } from "@ticketd/shared/runtime/data_sets.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { SimilarIndex, type SimilarSettings, similarTokenHasher } from "../similar/mod.ts";

interface Row {
  issue_id: string;
  project: string;
  summary: string | null;
  description: string | null;
  duplicate_of: string[] | null;
}

const TENANT = "eval";
const CUTOFFS = [1, 5, 10] as const;

/** Ranks (1-based, 0 = not in the top `depth`) of the first linked duplicate, per query. */
export function duplicateRanks(index: SimilarIndex, rows: Row[], depth: number): number[] {
  const ids = new Set(rows.map((row) => row.issue_id));
  const ranks: number[] = [];
  for (const row of rows) {
    const targets = new Set((row.duplicate_of ?? []).map(String).filter((id) => ids.has(id)));
    if (targets.size === 0) continue;
    const found = index.similarTo(TENANT, row.issue_id, depth);
    ranks.push(found.findIndex((hit) => targets.has(hit.ticketId)) + 1);
  }
  return ranks;
}

/** recall@k for each cutoff and the mean reciprocal rank (within the depth looked at). */
export function recallFigures(ranks: number[]): Record<string, number> {
  const share = (hits: number) => ranks.length === 0 ? 0 : hits / ranks.length;
  const figures: Record<string, number> = {};
  for (const k of CUTOFFS) {
    figures[`recall@${k}`] = share(ranks.filter((r) => r > 0 && r <= k).length);
  }
  figures.mrr = share(ranks.reduce((sum, r) => sum + (r > 0 ? 1 / r : 0), 0));
  return figures;
}

function parseSettings(spec: string | undefined): Partial<SimilarSettings> {
  const settings: Record<string, number> = {};
  for (const pair of (spec ?? "").split(",").filter(Boolean)) {
    const [name, value] = pair.split("=");
    settings[name] = Number(value);
  }
  return settings as Partial<SimilarSettings>;
}

async function main(args: string[]): Promise<void> {
  const option = (name: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const project = option("project") ?? "hadoop";
  const file = `${dataSetsDir()}gitbugs_tracker_tickets/tickets.jsonl`;
  const rows = (await Deno.readTextFile(file)).split("\n").filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Row).filter((row) => row.project === project);
  const key = new TextEncoder().encode("similar-eval: a fixed key, so runs compare");
  const hasher = similarTokenHasher(key, parseTenantProfiles("intl"));
  const index = new SimilarIndex(hasher, parseSettings(option("set")));
  const started = performance.now();
  for (const row of rows) {
    index.upsert(TENANT, row.issue_id, { subject: row.summary ?? "", body: row.description ?? "" });
  }
  const indexedMs = performance.now() - started;
  const ranks = duplicateRanks(index, rows, 10);
  const lookupStarted = performance.now();
  for (const row of rows) index.similarTo(TENANT, row.issue_id, 10);
  const lookupMs = (performance.now() - lookupStarted) / rows.length;
  const figures = recallFigures(ranks);
  const summary = {
    project,
    tickets: rows.length,
    queries: ranks.length,
    ...figures,
    indexMs: Math.round(indexedMs),
    lookupMsMean: Number(lookupMs.toFixed(3)),
    memoryBytes: index.memoryBytes(),
    settings: index.settings,
  };
  console.log(JSON.stringify(summary));
  console.log(
    `${project}: ${rows.length} tickets indexed in ${summary.indexMs} ms, ` +
      `${ranks.length} with duplicates in the set`,
  );
  if (ranks.length > 0) {
    console.log(
      CUTOFFS.map((k) => `recall@${k} ${figures[`recall@${k}`].toFixed(3)}`).join(", ") +
        `, MRR ${figures.mrr.toFixed(3)}`,
    );
  }
  console.log(`mean similarTo ${summary.lookupMsMean} ms, index ${summary.memoryBytes} bytes`);
}

if (import.meta.main) await main(Deno.args);
