/**
 * Source values to API values: priorities and statuses through lookup tables (case-insensitive),
 * times to ISO UTC, label lists from arrays or delimited strings.
 * @module
 */
import {
  PRIORITIES,
  type Priority,
  TICKET_STATUSES,
  type TicketStatus,
} from "@ticketd/shared/events/tickets.ts";

/** A lookup from lower-cased source value to API value. */
export type ValueTable<T extends string> = Record<string, T>;

const own = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as ValueTable<T>;

/** GitBugs' common scale, JIRA's names and the API's own; empty means unset. */
export const DEFAULT_PRIORITIES: ValueTable<Priority> = {
  ...own(PRIORITIES),
  "": "normal",
  "p0-urgent": "urgent",
  "p1-high": "high",
  "p2-medium": "normal",
  "p3-low": "low",
  "p4-lowest": "low",
  blocker: "urgent",
  critical: "high",
  major: "normal",
  medium: "normal",
  minor: "low",
  trivial: "low",
};

/** JIRA (Hadoop), Bugzilla (SeaMonkey) and GitHub state names, and the API's own. */
export const DEFAULT_STATUSES: ValueTable<TicketStatus> = {
  ...own(TICKET_STATUSES),
  "": "new",
  resolved: "solved",
  "patch available": "pending",
  "in progress": "open",
  reopened: "open",
  verified: "closed",
  unconfirmed: "new",
  assigned: "open",
  done: "solved",
};

/** Parses `A=x,B=y` into a table, checking each target against `allowed`. */
export function parseValueTable<T extends string>(
  spec: string,
  allowed: readonly T[],
  what: string,
): ValueTable<T> {
  const table: ValueTable<T> = {};
  for (const pair of spec.split(",").filter((p) => p.trim() !== "")) {
    const at = pair.lastIndexOf("=");
    const target = pair.slice(at + 1).trim();
    if (at < 0 || !(allowed as readonly string[]).includes(target)) {
      throw new Error(`--${what}-map: "${pair}" must be value=${allowed.join("|")}`);
    }
    table[pair.slice(0, at).trim().toLowerCase()] = target as T;
  }
  return table;
}

/** The table's value for `raw`, or `fallback` with `unknown: true`. */
export function lookup<T extends string>(table: ValueTable<T>, raw: string, fallback: T) {
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(table, key)
    ? { value: table[key], unknown: false }
    : { value: fallback, unknown: true };
}

const LOCAL = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** `raw` as an ISO UTC time; a time without zone is UTC; epoch seconds or ms; else null. */
export function isoTime(raw: unknown): string | null {
  if (typeof raw === "number") return epoch(raw);
  if (typeof raw !== "string") return null;
  const text = raw.trim();
  if (/^\d{10}(?:\.\d+)?$|^\d{13}$/.test(text)) return epoch(Number(text));
  let iso: string;
  if (LOCAL.test(text)) iso = text.length === 10 ? `${text}T00:00:00Z` : `${text}Z`;
  else if (ZONED.test(text)) iso = text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  else return null;
  const ms = Date.parse(iso.replace(" ", "T").replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function epoch(value: number): string | null {
  const ms = value < 1e11 ? value * 1000 : value;
  const date = new Date(ms);
  return Number.isFinite(ms) && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

/** A label list from an array, a JSON array string, or a `,` `;` `|` separated string. */
export function labelList(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((v) => v !== null && v !== "").map(String);
  if (raw === null || raw === undefined) return [];
  const text = String(raw).trim();
  if (text.startsWith("[")) {
    try {
      const parsed = JSON.parse(text);
      if (Array.isArray(parsed)) return labelList(parsed);
    } catch { /* not JSON: split it */ }
  }
  return text.split(/[,;|]/).map((v) => v.trim()).filter((v) => v !== "");
}

/** A source value as text: null and undefined are empty. */
export function textOf(raw: unknown): string {
  if (raw === null || raw === undefined) return "";
  return typeof raw === "string" ? raw : typeof raw === "object" ? JSON.stringify(raw) : `${raw}`;
}
