/**
 * The routing classifier's public surface: train, classify, save/load, evaluate, and the
 * examples a tenant's own solved tickets give. See `docs/routing-classifier.md`.
 * @module
 */
export {
  DEFAULT_FEATURES,
  type FeatureConfig,
  featurize,
  normalizeText,
  sameFeatures,
  type SparseVector,
  textFeatures,
} from "./features.ts";
export {
  type Classification,
  classify,
  type ClassifyOptions,
  type Example,
  type Model,
  type Reason,
} from "./model.ts";
export { parseModel, serializeModel } from "./model_codec.ts";
export {
  type ClassWeighting,
  seededRandom,
  trainClassifier,
  type TrainOptions,
} from "./training.ts";
export {
  type ClassMetrics,
  coverageCurve,
  evaluate,
  type Evaluation,
  isHeldOut,
  majorityBaseline,
  splitHeldOut,
} from "./evaluation.ts";
export { examplesFromTickets, type TenantExamples } from "./tenant_examples.ts";
