/**
 * The query parameters of the entry routes, checked strictly: an unknown or malformed parameter
 * is a 400 naming it, never a silently wider answer.
 * @module
 */
import { decodeBase64, encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import type { EntryFilter, EntryPosition } from "../store/entry_queries.ts";

const KNOWN = new Set(["actor", "ticket", "action", "from", "to", "limit", "cursor"]);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const ACTION = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){0,3}$/;

export interface EntryQuery {
  filter: EntryFilter;
  after: EntryPosition | null;
  limit: number;
}

/** The filter, cursor and page size of `params` for `tenant`. */
export function parseEntryQuery(
  params: URLSearchParams,
  tenant: string,
  pages: { defaultSize: number; maxSize: number },
): EntryQuery {
  for (const name of params.keys()) {
    if (!KNOWN.has(name)) {
      fail("unknown_parameter", `Unknown query parameter "${name}"`, 400, { parameter: name });
    }
  }
  const actor = params.get("actor") ?? undefined;
  if (actor !== undefined && (actor.length === 0 || actor.length > 128)) invalid("actor");
  const ticket = params.get("ticket") ?? undefined;
  if (ticket !== undefined && !isSnowflake(ticket)) invalid("ticket");
  const action = params.get("action") ?? undefined;
  if (action !== undefined && (action.length > 96 || !ACTION.test(action))) invalid("action");
  const from = time(params, "from");
  const to = time(params, "to");
  if (from && to && from >= to) invalid("to", "must be after from");
  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? pages.defaultSize : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > pages.maxSize) {
    invalid("limit", `must be an integer in 1..${pages.maxSize}`);
  }
  const cursor = params.get("cursor");
  return {
    filter: { tenant, actorId: actor, ticketId: ticket, action, from, to },
    after: cursor === null ? null : decodeEntryCursor(cursor),
    limit,
  };
}

/** The cursor after `position`: opaque base64url JSON. */
export function encodeEntryCursor(position: EntryPosition): string {
  const json = JSON.stringify([position.at, position.stream, position.seq]);
  return encodeBase64Url(new TextEncoder().encode(json));
}

function decodeEntryCursor(cursor: string): EntryPosition {
  try {
    const [at, stream, seq] = JSON.parse(new TextDecoder().decode(decodeBase64(cursor)));
    if (
      typeof at === "string" && ISO_TIME.test(at) && typeof stream === "string" &&
      /^[A-Za-z0-9_-]{1,64}$/.test(stream) && Number.isSafeInteger(seq) && seq > 0
    ) return { at, stream, seq };
  } catch {
    // the one error below
  }
  fail("invalid_cursor", "The cursor is malformed", 400);
}

function time(params: URLSearchParams, name: string): Date | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const date = new Date(value);
  if (!ISO_TIME.test(value) || Number.isNaN(date.getTime())) {
    invalid(name, "must be an ISO 8601 UTC time such as 2026-01-31T00:00:00Z");
  }
  return date;
}

function invalid(parameter: string, why = "is malformed"): never {
  fail("invalid_parameter", `Query parameter "${parameter}" ${why}`, 400, { parameter });
}
