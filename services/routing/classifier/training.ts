/**
 * Training: multinomial logistic regression by AdaGrad SGD with L2 on the slots an example
 * touches, optional class weights for imbalance, then int8 quantisation. Deterministic: the
 * only randomness is the seeded PRNG passed in (it shuffles the examples each epoch). Pure.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { DEFAULT_FEATURES, type FeatureConfig, featurize, type SparseVector } from "./features.ts";
import { type Example, type Model, softmax } from "./model.ts";

/** "balanced" weighs a class by n / (k * n_class); "sqrt" by its square root (milder). */
export type ClassWeighting = "none" | "balanced" | "sqrt" | Readonly<Record<string, number>>;

export interface TrainOptions {
  /** Uniform in [0, 1); use {@link seededRandom} for reproducible models. */
  random: () => number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  classWeights?: ClassWeighting;
  features?: Partial<FeatureConfig>;
  minConfidence?: number;
}

export { seededRandom } from "@ticketd/shared/runtime/seeded_random.ts";

/** Train a classifier on `examples` (at least two distinct labels). */
export function trainClassifier(examples: readonly Example[], options: TrainOptions): Model {
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  if (labels.length < 2) {
    fail("classifier_too_few_labels", `Cannot train a classifier on ${labels.length} label(s)`);
  }
  const features = { ...DEFAULT_FEATURES, ...options.features };
  const vectors = examples.map((example) => featurize(example.text, features));
  const targets = examples.map((example) => labels.indexOf(example.label));
  const weights = classWeights(labels, targets, options.classWeights ?? "none");
  const state = newState(labels.length, features.bits);
  const epochs = options.epochs ?? 10;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of shuffled(examples.length, options.random)) {
      step(state, vectors[i], targets[i], weights[targets[i]], options);
    }
  }
  return quantised(state, labels, features, options.minConfidence ?? 0);
}

interface TrainingState {
  labels: number;
  weights: Float64Array;
  squares: Float64Array; // AdaGrad: sum of squared gradients per weight
  bias: Float64Array;
  biasSquares: Float64Array;
}

function newState(labels: number, bits: number): TrainingState {
  const size = labels * 2 ** bits;
  return {
    labels,
    weights: new Float64Array(size),
    squares: new Float64Array(size),
    bias: new Float64Array(labels),
    biasSquares: new Float64Array(labels),
  };
}

function step(
  state: TrainingState,
  vector: SparseVector,
  target: number,
  classWeight: number,
  options: TrainOptions,
): void {
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-6;
  const errors = softmax(rawScores(state, vector));
  for (let k = 0; k < state.labels; k++) {
    errors[k] = classWeight * (errors[k] - (k === target ? 1 : 0));
  }
  for (let i = 0; i < vector.indices.length; i++) {
    const row = vector.indices[i] * state.labels;
    for (let k = 0; k < state.labels; k++) {
      const at = row + k;
      const gradient = errors[k] * vector.values[i] + l2 * state.weights[at];
      state.squares[at] += gradient * gradient;
      state.weights[at] -= (rate * gradient) / Math.sqrt(state.squares[at] + 1e-8);
    }
  }
  for (let k = 0; k < state.labels; k++) {
    state.biasSquares[k] += errors[k] * errors[k];
    state.bias[k] -= (rate * errors[k]) / Math.sqrt(state.biasSquares[k] + 1e-8);
  }
}

function rawScores(state: TrainingState, vector: SparseVector): Float64Array {
  const sums = Float64Array.from(state.bias);
  for (let i = 0; i < vector.indices.length; i++) {
    const row = vector.indices[i] * state.labels;
    for (let k = 0; k < state.labels; k++) sums[k] += state.weights[row + k] * vector.values[i];
  }
  return sums;
}

function classWeights(labels: string[], targets: number[], weighting: ClassWeighting): number[] {
  const counts = labels.map((_, k) => targets.filter((target) => target === k).length);
  return labels.map((label, k) => {
    if (weighting === "none") return 1;
    const balanced = targets.length / (labels.length * counts[k]);
    if (weighting === "balanced") return balanced;
    if (weighting === "sqrt") return Math.sqrt(balanced);
    return weighting[label] ?? 1;
  });
}

/** Fisher-Yates over 0..n-1 driven by `random`. */
function shuffled(n: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** int8 weights on one scale: the largest weight maps to ±127, tiny weights round to 0. */
function quantised(
  state: TrainingState,
  labels: string[],
  features: FeatureConfig,
  minConfidence: number,
): Model {
  let largest = 0;
  for (const weight of state.weights) largest = Math.max(largest, Math.abs(weight));
  const scale = Math.fround(largest > 0 ? largest / 127 : 1);
  const weights = Int8Array.from(state.weights, (weight) => Math.round(weight / scale));
  return { labels, features, minConfidence, scale, weights, bias: Float32Array.from(state.bias) };
}
