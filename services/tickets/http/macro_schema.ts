/**
 * The body of a macro save, built from the configured limits; unknown fields are refused.
 * @module
 */
import { z } from "zod";
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import { plainString, text } from "@ticketd/shared/http/text.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import type { HttpLimits } from "./schemas.ts";

const principalId = z.string().regex(/^[\p{L}\p{N}_.@:+-]{1,128}$/u, "must be a plain id");
const tag = plainString(64);
const tags = z.array(tag).max(200).default([]);

/** `scope` only counts on create: `tenant` (admins) or `personal` (the default). */
export function macroSchema(limits: HttpLimits, maxNameChars: number) {
  return z.strictObject({
    scope: z.enum(["tenant", "personal"]).default("personal"),
    name: text(maxNameChars, { singleLine: true }),
    text: z.strictObject({
      body: text(limits.maxBodyChars),
      internal: z.boolean().default(false),
    }).nullable().default(null),
    status: z.enum(TICKET_STATUSES).nullable().default(null),
    customStatusId: z.string().refine(isSnowflake, "must be a custom status id").nullable()
      .default(null),
    priority: z.enum(PRIORITIES).nullable().default(null),
    tags: z.strictObject({ add: tags, remove: tags }).default({ add: [], remove: [] }),
    assignment: z.strictObject({
      assigneeId: principalId.nullable(),
      groupId: principalId.nullable().default(null),
    }).nullable().default(null),
  });
}
