/**
 * One condition against one ticket, with the reason in words: what matched, or what did not.
 * Regular expressions and keywords are prepared once per condition object and kept.
 * @module
 */
import { compileLinear, type LinearRegex } from "./linear_regex.ts";
import type { LocalParts } from "../local_time.ts";
import type { FieldValue, RoutingTicket } from "../routing_ticket.ts";
import type {
  Condition,
  FieldCondition,
  KeywordsCondition,
  RegexCondition,
  TextSource,
} from "./rule_schema.ts";
import { PRIORITY_VALUES, WEEKDAYS } from "./rule_schema.ts";
import { containsKeyword, normaliseKeyword } from "./text_match.ts";

/** What conditions look at besides the ticket: its text prepared, and the local time. */
export interface ConditionScope {
  ticket: RoutingTicket;
  /** Subject and body normalised for keywords. */
  normalised: Record<TextSource, string>;
  /** Subject and body cut to the regex text limit. */
  capped: Record<TextSource, string>;
  local: LocalParts;
  timeZone: string;
}

export interface Verdict {
  holds: boolean;
  why: string;
}

/** Whether `condition` holds in `scope`, and why. */
export function checkCondition(condition: Condition, scope: ConditionScope): Verdict {
  switch (condition.type) {
    case "field":
      return checkField(condition, scope.ticket);
    case "tags":
      return checkTags(condition.op, condition.tags, scope.ticket.tags);
    case "time_of_day":
      return checkTime(condition.from, condition.to, scope);
    case "weekday": {
      const day = WEEKDAYS[scope.local.weekday];
      const holds = (condition.days as string[]).includes(day);
      const verb = holds ? "is one of" : "is not one of";
      return {
        holds,
        why: `local weekday ${day} (${scope.timeZone}) ${verb} ${condition.days.join(", ")}`,
      };
    }
    case "keywords":
      return checkKeywords(condition, scope);
    case "regex":
      return checkRegex(condition, scope);
    case "any": {
      const verdicts = [];
      for (const inner of condition.conditions) {
        const verdict = checkCondition(inner, scope);
        if (verdict.holds) return { holds: true, why: `any of: ${verdict.why}` };
        verdicts.push(verdict.why);
      }
      return { holds: false, why: `none of: ${verdicts.join("; ")}` };
    }
  }
}

function checkField(condition: FieldCondition, ticket: RoutingTicket): Verdict {
  const actual = fieldValue(condition.field, ticket);
  const holds = compare(condition, actual);
  const wanted = condition.value === undefined ? "" : ` ${JSON.stringify(condition.value)}`;
  return {
    holds,
    why: `${condition.field} ${condition.op}${wanted}: is ${JSON.stringify(actual)}`,
  };
}

function fieldValue(field: string, ticket: RoutingTicket): FieldValue {
  if (field.startsWith("fields.")) {
    const name = field.slice("fields.".length);
    return Object.hasOwn(ticket.customFields, name) ? ticket.customFields[name] : null;
  }
  return (ticket as unknown as Record<string, FieldValue>)[field] ?? null;
}

function compare({ field, op, value }: FieldCondition, actual: FieldValue): boolean {
  const set = actual !== null && actual !== "";
  if (op === "is_set") return set;
  if (op === "is_not_set") return !set;
  if (op === "in" || op === "not_in") {
    const found = (value as FieldValue[]).includes(actual);
    return op === "in" ? found : !found;
  }
  if (op === "eq") return actual === value;
  if (op === "neq") return actual !== value;
  if (!set || typeof actual === "boolean") return false;
  const rank = (v: unknown) =>
    field === "priority" ? PRIORITY_VALUES.indexOf(String(v)) : v as number | string;
  const [a, b] = [rank(actual), rank(value)];
  if (typeof a !== typeof b) return false;
  return op === "gt" ? a > b : op === "gte" ? a >= b : op === "lt" ? a < b : a <= b;
}

function checkTags(op: "has" | "has_not", wanted: string[], tags: readonly string[]): Verdict {
  const quoted = (list: string[]) => list.map((t) => `"${t}"`).join(", ");
  if (op === "has") {
    const missing = wanted.filter((t) => !tags.includes(t));
    if (missing.length > 0) return { holds: false, why: `lacks tag ${quoted(missing)}` };
    return { holds: true, why: `has tag ${quoted(wanted)}` };
  }
  const present = wanted.filter((t) => tags.includes(t));
  if (present.length > 0) return { holds: false, why: `has tag ${quoted(present)}` };
  return { holds: true, why: `has none of tags ${quoted(wanted)}` };
}

function checkTime(from: string, to: string, scope: ConditionScope): Verdict {
  const minutes = scope.local.hour * 60 + scope.local.minute;
  const [start, end] = [toMinutes(from), toMinutes(to)];
  // from after to wraps midnight: 22:00-06:00 is the night.
  const holds = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  const clock = `${pad(scope.local.hour)}:${pad(scope.local.minute)}`;
  const where = holds ? "within" : "outside";
  return { holds, why: `local time ${clock} (${scope.timeZone}) is ${where} ${from}-${to}` };
}

const keywordCache = new WeakMap<KeywordsCondition, string[]>();

function checkKeywords(condition: KeywordsCondition, scope: ConditionScope): Verdict {
  let keywords = keywordCache.get(condition);
  if (!keywords) keywordCache.set(condition, keywords = condition.any.map(normaliseKeyword));
  for (const source of condition.in) {
    const index = keywords.findIndex((k) => containsKeyword(scope.normalised[source], k));
    if (index !== -1) return { holds: true, why: `keyword "${condition.any[index]}" in ${source}` };
  }
  const listed = condition.any.slice(0, 5).map((k) => `"${k}"`).join(", ");
  const more = condition.any.length > 5 ? ` (and ${condition.any.length - 5} more)` : "";
  return { holds: false, why: `no keyword of ${listed}${more} in ${condition.in.join(" or ")}` };
}

const regexCache = new WeakMap<RegexCondition, LinearRegex | string>();

function checkRegex(condition: RegexCondition, scope: ConditionScope): Verdict {
  let regex = regexCache.get(condition);
  if (regex === undefined) {
    regexCache.set(condition, regex = compileLinear(condition.pattern, condition.flags));
  }
  // A saved rule always compiles; a draft in a dry run that does not is refused before this.
  if (typeof regex === "string") {
    return { holds: false, why: `regex /${condition.pattern}/ ${regex}` };
  }
  for (const source of condition.in) {
    const match = regex.find(scope.capped[source]);
    if (match !== null) {
      const excerpt = [...match].slice(0, 40).join("");
      return { holds: true, why: `regex /${condition.pattern}/ matched "${excerpt}" in ${source}` };
    }
  }
  return {
    holds: false,
    why: `regex /${condition.pattern}/ matched nothing in ${condition.in.join(" or ")}`,
  };
}

function toMinutes(clock: string): number {
  const [hours, minutes] = clock.split(":").map(Number);
  return hours * 60 + minutes;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
