/**
 * The Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` per family, label values
 * escaped (backslash, double quote, newline), histograms as cumulative `_bucket{le}` lines up to
 * `+Inf`, then `_sum` and `_count`.
 * @module
 */

/** The content type of {@link familyText}'s output. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface HistogramValue {
  /** Per bucket, observations that fell in it (not cumulative); bounds ascending. */
  counts: number[];
  bounds: readonly number[];
  sum: number;
  count: number;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
  histogram?: HistogramValue;
}

export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  labelNames: readonly string[];
  /** The family's own samples by label values; collected ones are passed to familyText. */
  samples: Map<string, Sample>;
}

/** One family's lines: its own samples, then `extra` (collected at scrape time). */
export function familyText(family: Family, extra: Sample[]): string {
  const lines = [
    `# HELP ${family.name} ${escapeHelp(family.help)}`,
    `# TYPE ${family.name} ${family.type}`,
  ];
  for (const sample of [...family.samples.values(), ...extra]) {
    const labels = family.labelNames.map((n) => [n, sample.labels[n] ?? ""] as [string, string]);
    if (sample.histogram) lines.push(...histogramLines(family.name, labels, sample.histogram));
    else lines.push(`${family.name}${labelText(labels)} ${numberText(sample.value)}`);
  }
  return lines.join("\n") + "\n";
}

function histogramLines(
  name: string,
  labels: [string, string][],
  value: HistogramValue,
): string[] {
  let cumulative = 0;
  const lines = value.bounds.map((bound, i) => {
    cumulative += value.counts[i];
    return `${name}_bucket${labelText([...labels, ["le", numberText(bound)]])} ${cumulative}`;
  });
  lines.push(`${name}_bucket${labelText([...labels, ["le", "+Inf"]])} ${value.count}`);
  lines.push(`${name}_sum${labelText(labels)} ${numberText(value.sum)}`);
  lines.push(`${name}_count${labelText(labels)} ${value.count}`);
  return lines;
}

function labelText(labels: [string, string][]): string {
  if (labels.length === 0) return "";
  return `{${labels.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/** A label value as the format wants it: `\` as `\\`, `"` as `\"`, a newline as `\n`. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
