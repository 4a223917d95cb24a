/**
 * Text to features: normalised character n-grams inside word-boundary markers plus word
 * unigrams, hashed into `2^bits` slots, log-scaled TF, L2-normalised. Han and kana runs are
 * tokens of their own, so Chinese without spaces still yields n-grams such as "崩溃". Pure.
 * @module
 */
import { FNV_OFFSET_BASIS, fnvStep, fnvUpdate } from "./hash.ts";

/** How a model turns text into features; stored in the model so classify featurises alike. */
export interface FeatureConfig {
  /** Shortest and longest character n-gram, in code points, markers included. */
  minN: number;
  maxN: number;
  /** Add whole-word features for non-CJK tokens. */
  words: boolean;
  /** Hash space is 2^bits slots. */
  bits: number;
  /** Only the first maxChars of the normalised text count (long logs would drown the title). */
  maxChars: number;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  minN: 1,
  maxN: 4,
  words: true,
  bits: 18,
  maxChars: 2000,
};

/** A sparse vector: slot indices in ascending order and their values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

/** Called once per feature occurrence: its slot, and where it lies in the marked token. */
export type FeatureVisitor = (slot: number, name: () => string) => void;

const CJK_RUN = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/v;
const TOKEN =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+|[[\p{L}\p{N}\p{M}]--[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]]+/gv;
const START = "<".codePointAt(0)!;
const END = ">".codePointAt(0)!;
const WORD_STATE = fnvUpdate(FNV_OFFSET_BASIS, "w:");
const GRAM_STATE = fnvUpdate(FNV_OFFSET_BASIS, "c:");

/** NFKC then lower case: full-width letters, ligatures and case variants meet. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Whether two configurations featurise every text alike. */
export function sameFeatures(a: FeatureConfig, b: FeatureConfig): boolean {
  return a.minN === b.minN && a.maxN === b.maxN && a.words === b.words && a.bits === b.bits &&
    a.maxChars === b.maxChars;
}

/** The slot a named feature (`w:…` or `c:…`) hashes to. */
export function featureSlot(feature: string, bits: number): number {
  return (fnvUpdate(FNV_OFFSET_BASIS, feature) >>> 0) >>> (32 - bits);
}

/**
 * Visit every feature of `text`: `w:<word>` for non-CJK words and `c:<gram>` for character
 * n-grams of the token between `<` and `>` markers. Hashes are built one code point at a time
 * (the same bytes as hashing the name), so names are only made when a visitor asks.
 */
export function walkFeatures(text: string, config: FeatureConfig, visit: FeatureVisitor): void {
  const shift = 32 - config.bits;
  for (const [token] of normalizeText(text).slice(0, config.maxChars).matchAll(TOKEN)) {
    const points = [START, ...Array.from(token, (char) => char.codePointAt(0)!), END];
    if (config.words && !CJK_RUN.test(token)) {
      visit((fnvUpdate(WORD_STATE, token) >>> 0) >>> shift, () => `w:${token}`);
    }
    for (let start = 0; start < points.length; start++) {
      let hash = GRAM_STATE;
      for (let n = 1; n <= config.maxN && start + n <= points.length; n++) {
        hash = fnvStep(hash, points[start + n - 1]);
        if (n < config.minN) continue;
        if (n === 1 && (start === 0 || start === points.length - 1)) continue; // a lone marker says nothing
        visit(
          (hash >>> 0) >>> shift,
          () => `c:${String.fromCodePoint(...points.slice(start, start + n))}`,
        );
      }
    }
  }
}

/** The named features of `text`, repeats kept (they are the counts). */
export function textFeatures(text: string, config: FeatureConfig = DEFAULT_FEATURES): string[] {
  const names: string[] = [];
  walkFeatures(text, config, (_, name) => names.push(name()));
  return names;
}

/** The hashed, log-TF, L2-normalised vector of `text`. */
export function featurize(text: string, config: FeatureConfig = DEFAULT_FEATURES): SparseVector {
  const counts = new Map<number, number>();
  walkFeatures(text, config, (slot) => counts.set(slot, (counts.get(slot) ?? 0) + 1));
  const indices = Uint32Array.from(counts.keys()).sort();
  const values = new Float32Array(indices.length);
  let squares = 0;
  indices.forEach((slot, i) => {
    const tf = 1 + Math.log(counts.get(slot)!);
    values[i] = tf;
    squares += tf * tf;
  });
  const norm = Math.sqrt(squares);
  if (norm > 0) values.forEach((value, i) => (values[i] = value / norm));
  return { indices, values };
}
