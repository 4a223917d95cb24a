/**
 * A {@link TrainingReport} as the Markdown tables `docs/routing-classifier.md` quotes.
 * @module
 */
import type { TrainingReport } from "./bootstrap.ts";

const pct = (value: number) => (Number.isNaN(value) ? "-" : `${(value * 100).toFixed(1)}%`);
const ms = (value: number) => `${value.toFixed(3)} ms`;

/** Summary, per-class table and timings of one trained model. */
export function reportMarkdown(report: TrainingReport): string {
  const { evaluation: model, baseline } = report;
  const baselineByLabel = new Map(baseline.perClass.map((c) => [c.label, c]));
  const lines = [
    `### ${report.name}`,
    "",
    `Train ${report.trainRows} rows, held out ${report.testRows} rows.`,
    "",
    "| | accuracy | macro-F1 |",
    "|---|---|---|",
    `| model | ${pct(model.accuracy)} | ${pct(model.macroF1)} |`,
    `| majority class | ${pct(baseline.accuracy)} | ${pct(baseline.macroF1)} |`,
    "",
    `At its minConfidence the model speaks on ${pct(model.coverage)} of rows, and is right on ${
      pct(model.answeredAccuracy)
    } of those.`,
    "",
    "| minConfidence | coverage | accuracy when speaking |",
    "|---|---|---|",
    ...report.coverage.map((point) =>
      `| ${point.minConfidence} | ${pct(point.coverage)} | ${pct(point.accuracy)} |`
    ),
    "",
    "| class | support | precision | recall | F1 | baseline recall |",
    "|---|---|---|---|---|---|",
    ...model.perClass.map((c) =>
      `| ${c.label} | ${c.support} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${
        pct(baselineByLabel.get(c.label)?.recall ?? 0)
      } |`
    ),
    "",
    `Training ${(report.trainMs / 1000).toFixed(1)} s; model file ${
      (report.modelBytes / 1024).toFixed(0)
    } KiB; classify p50 ${ms(report.latency.p50Ms)}, p99 ${
      ms(report.latency.p99Ms)
    } over ${report.latency.calls} calls.`,
  ];
  return lines.join("\n");
}
