/**
 * Measuring a classifier: a deterministic held-out split by a hash of the row id, accuracy,
 * macro-F1 and per-class precision and recall, and the majority-class baseline to beat. Pure.
 * @module
 */
import { fnv1a32 } from "./hash.ts";
import { classify, type Example, type Model } from "./model.ts";

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Held-out rows whose true label this is. */
  support: number;
}

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** Share of rows where the model speaks (top probability at least its minConfidence). */
  coverage: number;
  /** Accuracy over the rows where it speaks (NaN when it never does). */
  answeredAccuracy: number;
}

/** True for the `fraction` of ids the split holds out; the same id always lands the same way. */
export function isHeldOut(id: string, fraction = 0.2): boolean {
  return fnv1a32(`held-out:${id}`) % 10_000 < fraction * 10_000;
}

/** Split rows by {@link isHeldOut} on their id. */
export function splitHeldOut<T extends { id: string }>(rows: readonly T[], fraction = 0.2) {
  return {
    train: rows.filter((row) => !isHeldOut(row.id, fraction)),
    test: rows.filter((row) => isHeldOut(row.id, fraction)),
  };
}

/** The model's top label against the truth (minConfidence only counts in coverage). */
export function evaluate(model: Model, examples: readonly Example[]): Evaluation {
  const results = examples.map((example) => classify(model, example.text, { reasons: 0 }));
  const answered = results
    .map((result, i) => ({ result, truth: examples[i].label }))
    .filter(({ result }) => result.label !== null);
  const correct = answered.filter(({ result, truth }) => result.label === truth).length;
  return {
    ...scorePredictions(
      examples.map((example) => example.label),
      results.map((r) => r.scores[0].label),
    ),
    coverage: examples.length === 0 ? 0 : answered.length / examples.length,
    answeredAccuracy: answered.length === 0 ? NaN : correct / answered.length,
  };
}

export interface CoveragePoint {
  minConfidence: number;
  /** Share of rows the model speaks on at this threshold. */
  coverage: number;
  /** Accuracy over those rows (NaN when none). */
  accuracy: number;
}

/** How coverage and accuracy trade off as minConfidence rises: where to set it. */
export function coverageCurve(
  model: Model,
  examples: readonly Example[],
  thresholds: readonly number[],
): CoveragePoint[] {
  const results = examples.map((example) => classify(model, example.text, { reasons: 0 }));
  return thresholds.map((minConfidence) => {
    const spoken = results.map((r, i) => ({ r, truth: examples[i].label }))
      .filter(({ r }) => r.confidence >= minConfidence);
    const right = spoken.filter(({ r, truth }) => r.scores[0].label === truth).length;
    return {
      minConfidence,
      coverage: examples.length === 0 ? 0 : spoken.length / examples.length,
      accuracy: spoken.length === 0 ? NaN : right / spoken.length,
    };
  });
}

/** What always answering the most common training label scores on `test`. */
export function majorityBaseline(train: readonly Example[], test: readonly Example[]): Evaluation {
  const counts = new Map<string, number>();
  for (const { label } of train) counts.set(label, (counts.get(label) ?? 0) + 1);
  const [majority] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? [""];
  const scored = scorePredictions(test.map((example) => example.label), test.map(() => majority));
  return { ...scored, coverage: 1, answeredAccuracy: scored.accuracy };
}

/** Accuracy, macro-F1 (over labels seen in truth or predictions) and per-class figures. */
export function scorePredictions(truth: readonly string[], predicted: readonly string[]) {
  const labels = [...new Set([...truth, ...predicted])].sort();
  const perClass = labels.map((label): ClassMetrics => {
    let hits = 0, guesses = 0, support = 0;
    truth.forEach((actual, i) => {
      if (predicted[i] === label) guesses++;
      if (actual === label) support++;
      if (actual === label && predicted[i] === label) hits++;
    });
    const precision = guesses === 0 ? 0 : hits / guesses;
    const recall = support === 0 ? 0 : hits / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const correct = truth.filter((actual, i) => predicted[i] === actual).length;
  return {
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroF1: perClass.length === 0
      ? 0
      : perClass.reduce((sum, c) => sum + c.f1, 0) / perClass.length,
    perClass,
  };
}
