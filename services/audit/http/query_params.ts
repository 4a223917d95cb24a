/**
 * The query parameters of the entry routes, checked strictly (shared/http/query_params.ts): an
 * unknown, repeated or malformed parameter is a 400 naming it, never a silently wider answer
 * and never a database error.
 * @module
 */
import { decodeBase64, encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { fail } from "@ticketd/shared/errors.ts";
import {
  checkParamNames,
  invalidParam as invalid,
  parseStrictUtc,
  plainParam,
  utcTimeParam as time,
} from "@ticketd/shared/http/query_params.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import type { EntryFilter, EntryPosition } from "../store/entry_queries.ts";

const KNOWN = new Set(["actor", "ticket", "action", "from", "to", "limit", "cursor"]);
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
  checkParamNames(params, KNOWN);
  const actor = plainParam(params, "actor", 128);
  const ticket = plainParam(params, "ticket", 20);
  if (ticket !== undefined && !isSnowflake(ticket)) invalid("ticket");
  const action = plainParam(params, "action", 96);
  if (action !== undefined && !ACTION.test(action)) invalid("action");
  const from = time(params, "from");
  const to = time(params, "to");
  if (from && to && from >= to) invalid("to", "must be after from");
  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? pages.defaultSize : Number(rawLimit);
  if (
    (rawLimit !== null && !/^[0-9]{1,9}$/.test(rawLimit)) || limit < 1 || limit > pages.maxSize
  ) {
    invalid("limit", `must be an integer in 1..${pages.maxSize}`);
  }
  const cursor = plainParam(params, "cursor", 256) ?? null;
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
      typeof at === "string" && parseStrictUtc(at) !== null && typeof stream === "string" &&
      /^[A-Za-z0-9_-]{1,64}$/.test(stream) && Number.isSafeInteger(seq) && seq > 0
    ) return { at, stream, seq };
  } catch {
    // the one error below
  }
  fail("invalid_cursor", "The cursor is malformed", 400);
}
