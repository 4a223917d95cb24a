/**
 * Sets of code points as sorted, disjoint ranges: just enough to ask whether two parts of a
 * regular expression can match the same character (the question behind backtracking blow-ups).
 * @module
 */

/** Sorted, disjoint, non-adjacent inclusive ranges `[from, to]`. */
export type CharSet = readonly (readonly [number, number])[];

export const MAX_CODE_POINT = 0x10ffff;
export const EMPTY: CharSet = [];
export const ANY: CharSet = [[0, MAX_CODE_POINT]];

/** The set of the given ranges (any order, may overlap). */
export function charSet(...ranges: (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** One character. */
export function single(codePoint: number): CharSet {
  return [[codePoint, codePoint]];
}

export function union(...sets: CharSet[]): CharSet {
  return charSet(...sets.flat());
}

/** Every code point not in `set`. */
export function complement(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [from, to] of set) {
    if (from > next) out.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** True when some code point is in both sets. */
export function overlaps(a: CharSet, b: CharSet): boolean {
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

/** Adds the other-case twin of every ASCII letter (what the `i` flag makes match). */
export function caseFolded(set: CharSet): CharSet {
  const extra: [number, number][] = [];
  for (const [from, to] of set) {
    for (const [lo, hi, shift] of [[65, 90, 32], [97, 122, -32]] as const) {
      const start = Math.max(from, lo), end = Math.min(to, hi);
      if (start <= end) extra.push([start + shift, end + shift]);
    }
  }
  // Beyond ASCII, case pairs are many and scattered: assume the worst, which only ever refuses more.
  const beyondAscii = set.some(([, to]) => to > 127);
  return beyondAscii ? ANY : union(set, extra);
}

export const DIGIT: CharSet = charSet([48, 57]);
export const WORD: CharSet = charSet([48, 57], [65, 90], [95, 95], [97, 122]);
export const SPACE: CharSet = charSet(
  [9, 13],
  [32, 32],
  [160, 160],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
);
export const LINE_TERMINATORS: CharSet = charSet([10, 10], [13, 13], [0x2028, 0x2029]);
