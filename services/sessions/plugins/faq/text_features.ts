/**
 * The features the FAQ search compares: words and neighbouring word pairs, character 3-grams
 * of each word (so typos and inflections still overlap), and for CJK text every character and
 * every pair of neighbouring characters. Normalised with NFKC and lower case.
 * @module
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/u;
const RUNS = new RegExp(`${CJK.source}|[\\p{L}\\p{N}]+(?:'[\\p{L}]+)?`, "gu");

/** Feature counts of `text`. */
export function textFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  let previous: string | null = null;
  for (const run of text.normalize("NFKC").toLowerCase().match(RUNS) ?? []) {
    if (CJK.test(run)) {
      const chars = [...run];
      chars.forEach((char, i) => (add(`c:${char}`), i > 0 && add(`c:${chars[i - 1]}${char}`)));
      previous = null;
      continue;
    }
    add(`w:${run}`);
    if (previous !== null) add(`b:${previous} ${run}`);
    previous = run;
    const padded = `<${run}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`g:${padded.slice(i, i + 3)}`);
  }
  return counts;
}
