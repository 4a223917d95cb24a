/**
 * Similar-question search over the knowledge base: TF-IDF vectors (sublinear term frequency,
 * smoothed inverse document frequency, unit length) of every question variant, compared by
 * cosine. An intent scores as its best variant.
 * @module
 */
import { textFeatures } from "./text_features.ts";

export interface KbIntent {
  intent: string;
  category: string;
  answer: string;
  questions: string[];
}

export interface KnowledgeBase {
  source: string;
  licence: string;
  intents: KbIntent[];
}

export interface Match {
  intent: KbIntent;
  score: number;
  /** The best score of any other intent (how clear the winner is). */
  runnerUp: number;
}

type Vector = Map<string, number>;

export class FaqIndex {
  #idf = new Map<string, number>();
  #variants: { intent: KbIntent; vector: Vector }[] = [];

  constructor(kb: KnowledgeBase) {
    const documents = kb.intents.flatMap((intent) =>
      intent.questions.map((question) => ({ intent, features: textFeatures(question) }))
    );
    const frequency = new Map<string, number>();
    for (const { features } of documents) {
      for (const feature of features.keys()) {
        frequency.set(feature, (frequency.get(feature) ?? 0) + 1);
      }
    }
    for (const [feature, df] of frequency) {
      this.#idf.set(feature, Math.log((1 + documents.length) / (1 + df)) + 1);
    }
    this.#variants = documents.map(({ intent, features }) => ({
      intent,
      vector: this.#vector(features),
    }));
  }

  /** The best-matching intent for `text`, or null when nothing overlaps at all. */
  search(text: string): Match | null {
    const query = this.#vector(textFeatures(text));
    const best = new Map<KbIntent, number>();
    for (const { intent, vector } of this.#variants) {
      const score = cosine(query, vector);
      if (score > (best.get(intent) ?? 0)) best.set(intent, score);
    }
    const ranked = [...best].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) return null;
    return { intent: ranked[0][0], score: ranked[0][1], runnerUp: ranked[1]?.[1] ?? 0 };
  }

  #vector(features: Map<string, number>): Vector {
    const vector: Vector = new Map();
    let norm = 0;
    for (const [feature, count] of features) {
      const idf = this.#idf.get(feature);
      if (idf === undefined) continue; // unseen in the KB: cannot match anything
      const weight = (1 + Math.log(count)) * idf;
      vector.set(feature, weight);
      norm += weight * weight;
    }
    const length = Math.sqrt(norm);
    for (const [feature, weight] of vector) vector.set(feature, weight / length);
    return vector;
  }
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [feature, weight] of small) sum += weight * (large.get(feature) ?? 0);
  return sum;
}
