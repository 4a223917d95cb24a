/**
 * A small parser for JavaScript regular expressions (`u` mode) into the tree the safety
 * analyser walks. It trusts that `new RegExp(pattern, "u")` already accepted the pattern, so it
 * only tells apart what matters for backtracking: characters, sequences, alternatives,
 * repetitions, zero-width parts and backreferences.
 * @module
 */
import {
  ANY,
  caseFolded,
  type CharSet,
  charSet,
  complement,
  DIGIT,
  LINE_TERMINATORS,
  single,
  SPACE,
  union,
  WORD,
} from "./char_set.ts";

export type RegexNode =
  | { kind: "chars"; set: CharSet }
  | { kind: "seq"; items: RegexNode[] }
  | { kind: "alt"; branches: RegexNode[] }
  | { kind: "look"; body: RegexNode }
  | { kind: "repeat"; body: RegexNode; min: number; max: number }
  | { kind: "assert" }
  | { kind: "backref" };

interface Flags {
  ignoreCase: boolean;
  dotAll: boolean;
}

const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 };
const CLASS_ESCAPES: Record<string, CharSet> = {
  d: DIGIT,
  D: complement(DIGIT),
  w: WORD,
  W: complement(WORD),
  s: SPACE,
  S: complement(SPACE),
};

/** The tree of `pattern` (already known to compile with the `u` flag and `flags`). */
export function parseRegex(pattern: string, flags: string): RegexNode {
  const parser = new Parser([...pattern], {
    ignoreCase: flags.includes("i"),
    dotAll: flags.includes("s"),
  });
  return parser.alternation();
}

class Parser {
  private at = 0;
  constructor(private readonly chars: string[], private flags: Flags) {}

  alternation(): RegexNode {
    const branches = [this.sequence()];
    while (this.peek() === "|") {
      this.at++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0] : { kind: "alt", branches };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.at < this.chars.length && this.peek() !== "|" && this.peek() !== ")") {
      const item = this.quantified(this.atom());
      // A group that is not repeated only groups: flatten it, so neighbours are seen as such.
      if (item.kind === "seq") items.push(...item.items);
      else items.push(item);
    }
    return items.length === 1 ? items[0] : { kind: "seq", items };
  }

  private quantified(atom: RegexNode): RegexNode {
    const bounds = this.quantifier();
    if (!bounds) return atom;
    if (this.peek() === "?") this.at++; // lazy: same backtracking, other order
    return { kind: "repeat", body: atom, ...bounds };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.peek();
    if (c === "*" || c === "+" || c === "?") {
      this.at++;
      return { min: c === "+" ? 1 : 0, max: c === "?" ? 1 : Infinity };
    }
    if (c !== "{") return undefined;
    const close = this.chars.indexOf("}", this.at);
    const [min, max] = this.chars.slice(this.at + 1, close).join("").split(",");
    this.at = close + 1;
    return {
      min: Number(min),
      max: max === undefined ? Number(min) : max === "" ? Infinity : Number(max),
    };
  }

  private atom(): RegexNode {
    const c = this.chars[this.at++];
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return { kind: "chars", set: this.fold(this.charClass()) };
      case ".":
        return { kind: "chars", set: this.flags.dotAll ? ANY : complement(LINE_TERMINATORS) };
      case "^":
      case "$":
        return { kind: "assert" };
      case "\\":
        return this.escape();
      default:
        return { kind: "chars", set: this.fold(single(c.codePointAt(0)!)) };
    }
  }

  private group(): RegexNode {
    let look = false;
    const saved = this.flags;
    if (this.peek() === "?") {
      this.at++;
      const next = this.chars[this.at++];
      if (next === "=" || next === "!") look = true;
      else if (next === "<" && (this.peek() === "=" || this.peek() === "!")) {
        this.at++;
        look = true;
      } else if (next === "<") this.at = this.chars.indexOf(">", this.at) + 1;
      else if (next !== ":") {
        // Modifiers such as (?i:…): assume case folding inside, which only refuses more.
        this.flags = { ...saved, ignoreCase: true };
        this.at = this.chars.indexOf(":", this.at) + 1;
      }
    }
    const body = this.alternation();
    this.at++; // ")"
    this.flags = saved;
    return look ? { kind: "look", body } : body;
  }

  private escape(): RegexNode {
    const c = this.chars[this.at++];
    if (c === "b" || c === "B") return { kind: "assert" };
    if (/[1-9]/.test(c)) {
      while (/[0-9]/.test(this.peek() ?? "")) this.at++;
      return { kind: "backref" };
    }
    if (c === "k") {
      this.at = this.chars.indexOf(">", this.at) + 1;
      return { kind: "backref" };
    }
    this.at--;
    return { kind: "chars", set: this.fold(this.escapedSet()) };
  }

  /** The set of the escape after a backslash (the backslash already read). */
  private escapedSet(): CharSet {
    const c = this.chars[this.at++];
    if (CLASS_ESCAPES[c]) return CLASS_ESCAPES[c];
    if (c === "p" || c === "P") {
      this.at = this.chars.indexOf("}", this.at) + 1;
      return ANY; // Unicode properties: not modelled, so assumed to overlap everything
    }
    if (c in CONTROL_ESCAPES) return single(CONTROL_ESCAPES[c]);
    if (c === "c") return single(this.chars[this.at++].codePointAt(0)! % 32);
    if (c === "x") return single(this.hex(2));
    if (c === "u") return single(this.unicodeEscape());
    return single(c.codePointAt(0)!);
  }

  private unicodeEscape(): number {
    if (this.peek() !== "{") return this.hex(4);
    const close = this.chars.indexOf("}", this.at);
    const value = parseInt(this.chars.slice(this.at + 1, close).join(""), 16);
    this.at = close + 1;
    return value;
  }

  private hex(digits: number): number {
    const value = parseInt(this.chars.slice(this.at, this.at + digits).join(""), 16);
    this.at += digits;
    return value;
  }

  private charClass(): CharSet {
    const negated = this.peek() === "^";
    if (negated) this.at++;
    const parts: CharSet[] = [];
    while (this.peek() !== "]") {
      const from = this.classAtom();
      if (
        this.peek() === "-" && this.chars[this.at + 1] !== "]" && from.length === 1 &&
        from[0][0] === from[0][1]
      ) {
        this.at++;
        const to = this.classAtom();
        parts.push(charSet([from[0][0], to[0][1]]));
      } else parts.push(from);
    }
    this.at++; // "]"
    const set = union(...parts);
    return negated ? complement(set) : set;
  }

  private classAtom(): CharSet {
    const c = this.chars[this.at++];
    if (c !== "\\") return single(c.codePointAt(0)!);
    if (this.peek() === "b") {
      this.at++;
      return single(8); // inside a class \b is backspace
    }
    if (this.peek() === "-") {
      this.at++;
      return single(45);
    }
    return this.escapedSet();
  }

  private fold(set: CharSet): CharSet {
    return this.flags.ignoreCase ? caseFolded(set) : set;
  }

  private peek(): string | undefined {
    return this.chars[this.at];
  }
}
