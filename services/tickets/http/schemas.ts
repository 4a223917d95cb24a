/**
 * Request shapes for the tickets API, built once from the configured limits. Unknown fields are
 * refused, so a misspelt field is an error and not silently ignored.
 * @module
 */
import { z } from "zod";
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import { plainString, text } from "@ticketd/shared/http/text.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";

export interface HttpLimits {
  maxRequestBytes: number;
  /** How long a request body may take to arrive. */
  bodyTimeoutMs: number;
  maxSubjectChars: number;
  maxBodyChars: number;
  maxPageSize: number;
  /** Most `id` values one `GET /tickets` may name. */
  maxListIds: number;
  maxReadWaitMs: number;
}

const principalId = z.string().regex(/^[\p{L}\p{N}_.@:+-]{1,128}$/u, "must be a plain id");
const snowflake = z.string().refine(isSnowflake, "must be a ticket id");
// Field values land in jsonb and tags in text[]: neither can hold NUL, so no control characters.
const fieldValue = z.union([plainString(10_000), z.number(), z.boolean(), z.null()]);
const fieldName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a field name like order_id");
const tag = plainString(64);
/** Imports may keep original times, within reason: not before 1970, not in the future. */
const importTime = z.iso.datetime({ offset: true }).refine((value) => {
  const time = Date.parse(value);
  return time >= 0 && time <= Date.now() + 5 * 60_000;
}, "must be between 1970 and now");

/** The request schemas for `limits`. */
export function requestSchemas(limits: HttpLimits) {
  const body = text(limits.maxBodyChars);
  return {
    createTicket: z.strictObject({
      subject: text(limits.maxSubjectChars, { singleLine: true }),
      body,
      priority: z.enum(PRIORITIES).default("normal"),
      tags: z.array(tag).max(200).default([]),
      requesterId: principalId.optional(),
      assigneeId: principalId.nullable().default(null),
      groupId: principalId.nullable().default(null),
      customFields: z.record(fieldName, fieldValue).default({}),
      status: z.enum(TICKET_STATUSES).default("new"),
      followUpOf: snowflake.nullable().default(null),
      externalId: plainString(256).nullable().default(null),
      createdAt: importTime.optional(),
    }),
    postMessage: z.strictObject({ body, internal: z.boolean().default(false) }),
    /** A built-in status, a tenant's custom one (its category follows), or both if they agree. */
    changeStatus: z.strictObject({
      status: z.enum(TICKET_STATUSES).optional(),
      customStatusId: snowflake.optional(),
    }).refine((b) => b.status !== undefined || b.customStatusId !== undefined, {
      message: "name a status or a customStatusId",
    }),
    assign: z.strictObject({
      assigneeId: principalId.nullable(),
      groupId: principalId.nullable().default(null),
    }),
    changeTags: z.strictObject({
      add: z.array(tag).max(200).default([]),
      remove: z.array(tag).max(200).default([]),
    }),
    changePriority: z.strictObject({ priority: z.enum(PRIORITIES) }),
    setFields: z.strictObject({ fields: z.record(fieldName, fieldValue) }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
