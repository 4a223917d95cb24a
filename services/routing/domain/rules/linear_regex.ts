/**
 * Rule regexes run on RE2 (the `re2js` port): matching takes time linear in the text, whatever
 * the pattern, so a pattern the save-time analyser misses still cannot stall routing. RE2 has no
 * backreferences or lookaround; a pattern that needs them is refused as invalid when saved.
 * @module
 */
import { RE2JS } from "re2js";

export interface LinearRegex {
  /** The first match in `text`, or null. */
  find(text: string): string | null;
}

const FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** Compiles `pattern` with flags from `ims`, or returns why RE2 cannot run it. */
export function compileLinear(pattern: string, flags: string): LinearRegex | string {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, [...flags].reduce((all, f) => all | (FLAGS[f] ?? 0), 0));
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, "");
  }
  return {
    find(text) {
      const matcher = compiled.matcher(text);
      return matcher.find() ? matcher.group() : null;
    },
  };
}
