/**
 * Path and query parameters, checked before any I/O.
 * @module
 */
import type { Context } from "hono";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { isPlainValue } from "@ticketd/shared/http/text.ts";

/** The `:id` path parameter as a ticket id; malformed ids are 404 like unknown ones. */
export function ticketIdParam(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (!isSnowflake(id)) fail("ticket_not_found", `No ticket with id "${id.slice(0, 40)}"`, 404);
  return id;
}

/** An integer query parameter within bounds, or `fallback` when absent. */
export function intParam(c: Context, name: string, fallback: number, min: number, max: number) {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]{1,16}$/.test(raw) || value < min || value > max) {
    fail("invalid_query", `${name} must be an integer from ${min} to ${max}`, 400, { param: name });
  }
  return value;
}

/** A string query parameter: at most `maxChars`, no control characters (400 otherwise). */
export function stringParam(c: Context, name: string, maxChars = 256): string | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  if (raw.length > maxChars || !isPlainValue(raw)) {
    fail(
      "invalid_query",
      `${name} must be at most ${maxChars} characters, without control characters`,
      400,
      {
        param: name,
      },
    );
  }
  return raw;
}

/** A comma-separated list parameter whose items must be in `allowed`. */
export function listParam<T extends string>(
  c: Context,
  name: string,
  allowed?: readonly T[],
): T[] | undefined {
  const raw = c.req.queries(name);
  if (!raw) return undefined;
  const items = raw.flatMap((r) => r.split(",")).map((s) => s.trim()).filter(Boolean);
  // `group=` alone would otherwise filter nothing and list every ticket.
  if (items.length === 0) {
    fail("invalid_query", `${name} needs at least one value`, 400, { param: name });
  }
  if (items.some((i) => i.length > 256 || !isPlainValue(i))) {
    fail("invalid_query", `${name} items must be plain values`, 400, { param: name });
  }
  const bad = allowed && items.find((i) => !allowed.includes(i as T));
  if (bad) {
    fail("invalid_query", `${name} "${bad}" is not one of ${allowed.join(", ")}`, 400, {
      param: name,
    });
  }
  return items as T[];
}

/**
 * `id=<ticket id>` (repeated or comma-separated), at most `max` distinct: one request for a known
 * set of tickets (the workspace's SLA-at-risk list). Ids the caller may not see are left out.
 */
export function idsParam(c: Context, max: number): string[] | undefined {
  const ids = listParam(c, "id");
  if (!ids) return undefined;
  const distinct = [...new Set(ids)];
  if (distinct.length === 0 || distinct.length > max || !distinct.every(isSnowflake)) {
    fail("invalid_query", `id must be 1 to ${max} ticket ids`, 400, { param: "id" });
  }
  return distinct;
}

/** An ISO 8601 time parameter. */
export function timeParam(c: Context, name: string): Date | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const time = new Date(raw);
  const [, date] = /^(\d{4}-\d{2}-\d{2})(?:T|$)/.exec(raw) ?? [];
  const real = date !== undefined && !Number.isNaN(time.getTime()) &&
    new Date(`${date}T00:00:00Z`).toISOString().startsWith(date); // refuses 2024-02-30
  if (!real || time.getUTCFullYear() < 1900 || time.getUTCFullYear() > 9999) {
    fail("invalid_query", `${name} must be an ISO 8601 time like 2026-01-31T00:00:00Z`, 400, {
      param: name,
    });
  }
  return time;
}
