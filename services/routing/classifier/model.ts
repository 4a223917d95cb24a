/**
 * A trained linear classifier and `classify`: softmax over one weight per (feature slot, label),
 * stored quantised to int8 so the model in memory is exactly the model on disk. Pure.
 * @module
 */
import { type FeatureConfig, featurize, type SparseVector, walkFeatures } from "./features.ts";

/** A labelled text, the unit of training and evaluation. */
export interface Example {
  text: string;
  label: string;
}

/** Multinomial logistic regression over hashed features. Holds no text, only numbers. */
export interface Model {
  labels: readonly string[];
  features: FeatureConfig;
  /** Below this top probability `classify` answers `label: null`. */
  minConfidence: number;
  /** A weight is `weights[slot * labels.length + label] * scale`. */
  scale: number;
  weights: Int8Array;
  bias: Float32Array;
}

export interface LabelScore {
  label: string;
  /** Softmax probability. */
  score: number;
}

export interface Reason {
  /** The input's features in this slot (`w:` word, `c:` n-gram), joined by "|" on collisions. */
  feature: string;
  /** How much the slot raised the chosen label's logit. */
  weight: number;
}

export interface Classification {
  /** null when the top probability is under the model's minConfidence: the model does not speak. */
  label: string | null;
  confidence: number;
  /** Every label, most probable first. */
  scores: LabelScore[];
  because: Reason[];
}

export interface ClassifyOptions {
  minConfidence?: number;
  /** How many reasons to give (default 5). */
  reasons?: number;
  /** `text` already featurised with `model.features` (two models of one config share it). */
  vector?: SparseVector;
}

/** The most probable label of `text`, its probability, every score, and the features behind it. */
export function classify(
  model: Model,
  text: string,
  options: ClassifyOptions = {},
): Classification {
  const vector = options.vector ?? featurize(text, model.features);
  const probabilities = softmax(logits(model, vector.indices, vector.values));
  const scores = model.labels
    .map((label, i) => ({ label, score: probabilities[i] }))
    .sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1));
  const top = scores[0];
  const minConfidence = options.minConfidence ?? model.minConfidence;
  const chosen = model.labels.indexOf(top.label);
  return {
    label: top.score >= minConfidence ? top.label : null,
    confidence: top.score,
    scores,
    because: reasons(model, text, vector.indices, vector.values, chosen, options.reasons ?? 5),
  };
}

/** Raw per-label scores before softmax. */
export function logits(model: Model, indices: Uint32Array, values: Float32Array): Float64Array {
  const count = model.labels.length;
  const sums = new Float64Array(count);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] * count;
    const value = values[i];
    for (let k = 0; k < count; k++) sums[k] += model.weights[row + k] * value;
  }
  for (let k = 0; k < count; k++) sums[k] = sums[k] * model.scale + model.bias[k];
  return sums;
}

/** Numerically stable softmax, in place. */
export function softmax(scores: Float64Array): Float64Array {
  const max = Math.max(...scores);
  let total = 0;
  for (let k = 0; k < scores.length; k++) total += scores[k] = Math.exp(scores[k] - max);
  for (let k = 0; k < scores.length; k++) scores[k] /= total;
  return scores;
}

function reasons(
  model: Model,
  text: string,
  indices: Uint32Array,
  values: Float32Array,
  label: number,
  limit: number,
): Reason[] {
  if (limit === 0) return []; // routing asks for none: sorting every pushing slot is wasted
  const pushes: { slot: number; weight: number }[] = [];
  indices.forEach((slot, i) => {
    const weight = model.weights[slot * model.labels.length + label] * model.scale * values[i];
    if (weight > 0) pushes.push({ slot, weight });
  });
  pushes.sort((a, b) => b.weight - a.weight || a.slot - b.slot);
  const top = pushes.slice(0, limit);
  if (top.length === 0) return [];
  const names = slotNames(text, model.features, new Set(top.map((push) => push.slot)));
  return top.map(({ slot, weight }) => ({ feature: names.get(slot)!.join("|"), weight }));
}

/** Map hashed slots back to the input's own features (the model keeps no strings). */
function slotNames(text: string, config: FeatureConfig, wanted: Set<number>) {
  const names = new Map<number, string[]>();
  walkFeatures(text, config, (slot, name) => {
    if (!wanted.has(slot)) return;
    const list = names.get(slot) ?? [];
    const feature = name();
    if (!list.includes(feature)) list.push(feature);
    names.set(slot, list);
  });
  return names;
}
