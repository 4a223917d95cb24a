/**
 * Request shapes for the tickets API, built once from the configured limits. Unknown fields are
 * refused, so a misspelt field is an error and not silently ignored.
 * @module
 */
import { z } from "zod";
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import { text } from "@ticketd/shared/http/text.ts";

export interface HttpLimits {
  maxRequestBytes: number;
  maxSubjectChars: number;
  maxBodyChars: number;
  maxPageSize: number;
  maxReadWaitMs: number;
}

const principalId = z.string().regex(/^[\p{L}\p{N}_.@:+-]{1,128}$/u, "must be a plain id");
const snowflake = z.string().regex(/^[1-9][0-9]{0,18}$/, "must be a ticket id");
const fieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const tag = z.string().max(64);

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
      customFields: z.record(z.string().max(64), fieldValue).default({}),
      status: z.enum(TICKET_STATUSES).default("new"),
      followUpOf: snowflake.nullable().default(null),
      externalId: z.string().min(1).max(256).nullable().default(null),
      createdAt: z.iso.datetime({ offset: true }).optional(),
    }),
    postMessage: z.strictObject({ body, internal: z.boolean().default(false) }),
    changeStatus: z.strictObject({ status: z.enum(TICKET_STATUSES) }),
    assign: z.strictObject({
      assigneeId: principalId.nullable(),
      groupId: principalId.nullable().default(null),
    }),
    changeTags: z.strictObject({
      add: z.array(tag).max(200).default([]),
      remove: z.array(tag).max(200).default([]),
    }),
    changePriority: z.strictObject({ priority: z.enum(PRIORITIES) }),
    setFields: z.strictObject({ fields: z.record(z.string().max(64), fieldValue) }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
