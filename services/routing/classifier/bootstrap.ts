/**
 * Train, measure, report: the held-out evaluation next to the majority baseline, training time,
 * model file size and classify latency. Used by `tools/train.ts` for the bootstrap models and
 * for a tenant's retrain. Reads the clock (performance.now) to time things; no other I/O.
 * @module
 */
import type { LabelledRow } from "./data_rows.ts";
import {
  coverageCurve,
  type CoveragePoint,
  evaluate,
  type Evaluation,
  majorityBaseline,
  splitHeldOut,
} from "./evaluation.ts";
import { classify, type Model } from "./model.ts";
import { serializeModel } from "./model_codec.ts";
import { seededRandom, trainClassifier, type TrainOptions } from "./training.ts";

/** Training settings without the PRNG, which is made from `seed`. */
export type TrainSettings = Omit<TrainOptions, "random"> & { seed: number };

/** Queues on banking77: short questions, balanced enough, no class weights needed. */
export const QUEUE_SETTINGS: TrainSettings = { seed: 77, epochs: 8, minConfidence: 0.6 };

/** Priorities on gitbugs: 69% "normal", so classes are weighted to give the rare ones a voice. */
export const PRIORITY_SETTINGS: TrainSettings = {
  seed: 4,
  epochs: 8,
  classWeights: "balanced",
  minConfidence: 0.8, // below it the model is no better than always saying "normal"
};

export interface TrainingReport {
  name: string;
  trainRows: number;
  testRows: number;
  trainMs: number;
  evaluation: Evaluation;
  baseline: Evaluation;
  coverage: CoveragePoint[];
  modelBytes: number;
  latency: Latency;
}

export interface Latency {
  calls: number;
  p50Ms: number;
  p99Ms: number;
}

/** Train on the 80% split, measure on the 20% held out; the model returned is the 80% one. */
export async function trainAndMeasure(
  name: string,
  rows: readonly LabelledRow[],
  settings: TrainSettings,
) {
  const { train, test } = splitHeldOut(rows);
  const started = performance.now();
  const model = trainSeeded(train, settings);
  const trainMs = performance.now() - started;
  const file = await serializeModel(model);
  const report: TrainingReport = {
    name,
    trainRows: train.length,
    testRows: test.length,
    trainMs,
    evaluation: evaluate(model, test),
    baseline: majorityBaseline(train, test),
    coverage: coverageCurve(model, test, [0, 0.5, 0.6, 0.7, 0.8, 0.9]),
    modelBytes: file.length,
    latency: classifyLatency(model, test.map((row) => row.text)),
  };
  return { model, file, report };
}

/** {@link trainClassifier} with the PRNG seeded from `settings.seed`. */
export function trainSeeded(rows: readonly LabelledRow[], settings: TrainSettings): Model {
  const { seed, ...options } = settings;
  return trainClassifier(rows, { ...options, random: seededRandom(seed) });
}

/** p50/p99 of `classify` (with reasons) over `calls` calls cycling through `texts`, after warm-up. */
export function classifyLatency(model: Model, texts: readonly string[], calls = 3000): Latency {
  for (let i = 0; i < 200; i++) classify(model, texts[i % texts.length]); // let the JIT settle
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    classify(model, texts[i % texts.length]);
    times[i] = performance.now() - started;
  }
  times.sort();
  return { calls, p50Ms: times[Math.floor(calls * 0.5)], p99Ms: times[Math.floor(calls * 0.99)] };
}
