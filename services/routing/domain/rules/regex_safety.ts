/**
 * Refuses regular expressions that can backtrack catastrophically, before they are saved. The
 * analyser is deliberately conservative: what it cannot prove unambiguous under a repetition it
 * refuses, because a rule runs on every ticket and one bad pattern stalls routing for a tenant.
 * @module
 */
import { ANY, type CharSet, EMPTY, overlaps, union } from "./char_set.ts";
import { parseRegex, type RegexNode } from "./regex_parse.ts";

/** Why `pattern` must not run, or undefined when it is safe; the pattern must already compile. */
export function regexHazard(pattern: string, flags: string, maxLength: number): string | undefined {
  if ([...pattern].length > maxLength) return `is longer than ${maxLength} characters`;
  return hazardIn(parseRegex(pattern, flags));
}

/** Compiles `pattern` the way rules run it (always `u`), or returns the engine's complaint. */
export function compileRegex(pattern: string, flags: string): RegExp | string {
  try {
    return new RegExp(pattern, flags + "u");
  } catch (error) {
    return (error as Error).message;
  }
}

// Repetitions allowing more than this many rounds count as unbounded.
const UNBOUNDED = 16;

function hazardIn(node: RegexNode): string | undefined {
  switch (node.kind) {
    case "backref":
      return "uses a backreference, which cannot be matched without backtracking";
    case "seq":
      if (sequenceHazard(node.items)) {
        return "has quantified parts that can take the same characters in a row (like \\d+\\d+ or .*a.*b; a pattern matches anywhere, so no leading or trailing .* is needed)";
      }
      return firstOf(node.items, hazardIn);
    case "alt":
      return firstOf(node.branches, hazardIn);
    case "look":
      return hazardIn(node.body);
    case "repeat":
      return (node.max > 1 ? repeatHazard(node.body) : undefined) ?? hazardIn(node.body);
    default:
      return undefined;
  }
}

/** The ways the body of a repetition can match one text in many ways (exponential retries). */
function repeatHazard(body: RegexNode): string | undefined {
  // Rounds that may take nothing let the same text be split across them in countless ways.
  if (nullable(body)) {
    return "repeats a part that can match nothing (like (a?a?){20} or (a|b?)+): the repetitions can split the same text in many ways";
  }
  const inner = repeatsIn(body);
  if (inner.length > 0) {
    const [head, tail] = [first(body), last(body)];
    // The boundary between two iterations can move when the body may end with what it starts
    // with, or when a repeated part inside can swallow both the end and the start of a body.
    if (
      overlaps(head, tail) ||
      inner.some((r) => overlaps(charsOf(r), head) && overlaps(charsOf(r), tail))
    ) {
      return "nests quantifiers (like (a+)+): the repetitions can split the same text in many ways";
    }
  }
  if (body.kind === "alt" && overlappingBranches(body.branches)) {
    return "repeats alternatives that can match the same text (like (a|ab)*)";
  }
  return undefined;
}

function overlappingBranches(branches: RegexNode[]): boolean {
  const heads = branches.map(first);
  return heads.some((h, i) => heads.slice(i + 1).some((other) => overlaps(h, other)));
}

/**
 * An unbounded repetition that can run on into what follows it, with another unbounded one
 * later in the sequence (`\d+\d+`, `.*a.*b`): each place the first may stop gives the second a
 * full pass, so a failing match costs the cube of the text length (measured: 1,000 digits
 * against `\d+\d+x` take 0.7 s).
 */
function sequenceHazard(items: RegexNode[]): boolean {
  for (let i = 0; i < items.length; i++) {
    if (!isUnboundedRepeat(items[i])) continue;
    const own = charsOf(items[i]);
    for (let j = i + 1; j < items.length; j++) {
      if (!isUnboundedRepeat(items[j])) continue;
      if (overlaps(own, first({ kind: "seq", items: items.slice(i + 1, j + 1) }))) return true;
    }
  }
  return false;
}

function isUnboundedRepeat(node: RegexNode): boolean {
  return node.kind === "repeat" && node.max > UNBOUNDED && node.min !== node.max;
}

/** A repetition that can match different numbers of times (a fixed count like {3} cannot). */
function isVariableRepeat(node: RegexNode): boolean {
  return node.kind === "repeat" && node.max > 1 && node.min !== node.max;
}

function repeatsIn(node: RegexNode): RegexNode[] {
  const own = isVariableRepeat(node) ? [node] : [];
  return own.concat(children(node).flatMap(repeatsIn));
}

function children(node: RegexNode): RegexNode[] {
  if (node.kind === "seq") return node.items;
  if (node.kind === "alt") return node.branches;
  if (node.kind === "look" || node.kind === "repeat") return [node.body];
  return [];
}

function nullable(node: RegexNode): boolean {
  switch (node.kind) {
    case "chars":
      return false;
    case "seq":
      return node.items.every(nullable);
    case "alt":
      return node.branches.some(nullable);
    case "repeat":
      return node.min === 0 || nullable(node.body);
    default:
      return true;
  }
}

/** Characters a match of `node` can start with. */
function first(node: RegexNode): CharSet {
  return edge(node, (items) => items);
}

/** Characters a match of `node` can end with. */
function last(node: RegexNode): CharSet {
  return edge(node, (items) => [...items].reverse());
}

function edge(node: RegexNode, order: (items: RegexNode[]) => RegexNode[]): CharSet {
  switch (node.kind) {
    case "chars":
      return node.set;
    case "alt":
      return union(...node.branches.map((b) => edge(b, order)));
    case "repeat":
      return node.max === 0 ? EMPTY : edge(node.body, order);
    case "seq": {
      const sets: CharSet[] = [];
      for (const item of order(node.items)) {
        sets.push(edge(item, order));
        if (!nullable(item)) break;
      }
      return union(...sets);
    }
    case "backref":
      return ANY;
    default:
      return EMPTY;
  }
}

/** Every character some match of `node` can consume. */
function charsOf(node: RegexNode): CharSet {
  if (node.kind === "chars") return node.set;
  if (node.kind === "look") return EMPTY;
  return union(...children(node).map(charsOf));
}

function firstOf<T>(items: T[], fn: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const found = fn(item);
    if (found) return found;
  }
  return undefined;
}
