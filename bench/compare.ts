/**
 * Side-by-side Markdown of several runs' key figures:
 * `deno run -A bench/compare.ts bench/results/edaf52a.json bench/results/88e10f7.json`.
 * @module
 */
import { cpuOf } from "./write_phase.ts";
import { OTHERS } from "./cpu.ts";
import type { BenchResults } from "./report.ts";

const files = Deno.args;
if (files.length === 0) {
  console.error("usage: deno run -A bench/compare.ts <results.json>...");
  Deno.exit(2);
}
const runs: BenchResults[] = await Promise.all(
  files.map(async (f) => JSON.parse(await Deno.readTextFile(f))),
);
const f0 = (n: number) => Math.round(n).toLocaleString("en");
const ms = (n: number) => `${n.toFixed(1)} ms`;
// deno-fmt-ignore
const rows: [string, (r: BenchResults) => string][] = [
  ["date (UTC)", (r) => r.date.replace(" UTC", "")],
  ["raw JetStream publish, best window", (r) => `${f0(Math.max(...r.ceiling.map((c) => c.msgsPerSecond)))} msgs/s`],
  ["creations/s over HTTP (64 connections)", (r) => `${f0(r.create.wrk.perSecond)}/s`],
  ["… as % of the raw ceiling", (r) => `${(100 * r.create.wrk.perSecond / Math.max(...r.ceiling.map((c) => c.msgsPerSecond))).toFixed(1)} %`],
  ["creation p50 / p99", (r) => `${ms(r.create.wrk.latencyMs.p50)} / ${ms(r.create.wrk.latencyMs.p99)}`],
  ["creation non-2xx", (r) => String(r.create.wrk.non2xx)],
  ["projection lag: max during load / catch-up after", (r) => `${f0(r.create.lag.maxLagMessages)} msgs (≈ ${r.create.lag.maxLagSecondsEstimate.toFixed(1)} s) / ${(r.create.lag.catchUpMs / 1000).toFixed(1)} s`],
  ["service CPU during creation (100 % = 1 core)", (r) => `${f0(cpuOf(r.create.cpu, "tickets"))} %`],
  ["other CPU during creation (disturbance)", (r) => `${f0(cpuOf(r.create.cpu, OTHERS))} %`],
];
const names = [...new Set(runs.flatMap((r) => r.reads?.queries.map((q) => q.name) ?? []))];
for (const name of names) {
  // deno-fmt-ignore
  rows.push([`${name}: p50 / p95 / p99 (SQL)`, (r) => {
    const x = r.reads?.queries.find((q) => q.name === name);
    return x ? `${ms(x.http.ms.p50)} / **${ms(x.http.ms.p95)}** / ${ms(x.http.ms.p99)} (${ms(x.sql.executionMs)})` : "–";
  }]);
}
console.log(`| figure | ${runs.map((r) => `commit ${r.source?.commit ?? "?"}`).join(" | ")} |`);
console.log(`|---|${runs.map(() => "---").join("|")}|`);
for (const [label, value] of rows) console.log(`| ${label} | ${runs.map(value).join(" | ")} |`);
