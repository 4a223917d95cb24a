/**
 * The OpenAPI paths of custom statuses, time tracking and macros (docs/statuses-macros-time.md).
 * Bodies come from the zod schemas that validate them, drawn at the default limits (the
 * service enforces the configured ones).
 * @module
 */
import { z } from "zod";
import { TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import { macroSchema } from "./macro_schema.ts";
import { timeEntrySchema } from "./time_routes.ts";
import { loadConfig } from "../config.ts";

const problem = {
  description: "An RFC 9457 problem document with a stable `code`",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};
const json = (schema: z.ZodType) => ({
  required: true,
  content: {
    "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) },
  },
});
const path = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const writes = [
  { $ref: "#/components/parameters/IfMatch" },
  { $ref: "#/components/parameters/IdempotencyKey" },
];
const names = z.strictObject({ en: z.string(), zh: z.string().optional() });

/** The paths, keyed as in the document. */
export function workflowPaths() {
  const defaults = loadConfig({});
  const macro = json(macroSchema(defaults.limits, defaults.macros.maxNameChars));
  const answered = (description: string) => ({ 200: { description }, default: problem });
  return {
    "/statuses": {
      get: {
        summary: "The tenant's custom statuses, retired ones too",
        responses: answered("statuses"),
      },
      post: {
        summary: "Define a custom status within a built-in category (admins)",
        requestBody: json(z.strictObject({ category: z.enum(TICKET_STATUSES), names })),
        responses: { 201: { description: "The status" }, default: problem },
      },
    },
    "/statuses/{statusId}": {
      patch: {
        summary: "Rename a custom status (admins); id and category stay",
        parameters: [path("statusId")],
        requestBody: json(z.strictObject({ names })),
        responses: answered("The status"),
      },
    },
    "/statuses/{statusId}/retire": {
      post: {
        summary: "Retire a custom status (admins): not chosen again, kept by tickets holding it",
        parameters: [path("statusId")],
        responses: answered("The status"),
      },
    },
    "/tickets/{id}/time": {
      post: {
        summary: "Log time (negative corrects your own); one TimeLogged commit",
        parameters: [path("id"), ...writes],
        requestBody: json(timeEntrySchema(defaults.timeTracking)),
        responses: answered("Applied; the new version is the ETag"),
      },
      get: {
        summary: "The ticket's time entries and totals per agent",
        parameters: [path("id"), { $ref: "#/components/parameters/MinVersion" }],
        responses: answered("entries, byAgent, totalSeconds"),
      },
    },
    "/time/agents/{agentId}": {
      get: {
        summary:
          "An agent's logged time over from..to (their own; anyone's for tenant-wide readers)",
        parameters: [path("agentId")],
        responses: answered("seconds and tickets"),
      },
    },
    "/macros": {
      get: { summary: "The tenant's macros and your own", responses: answered("macros") },
      post: {
        summary: "Save a macro (scope tenant: admins; personal: any agent)",
        requestBody: macro,
        responses: { 201: { description: "The macro" }, default: problem },
      },
    },
    "/macros/{macroId}": {
      put: {
        summary: "Replace a macro (its owner)",
        parameters: [path("macroId")],
        requestBody: macro,
        responses: answered("The macro"),
      },
      delete: {
        summary: "Delete a macro (its owner)",
        parameters: [path("macroId")],
        responses: { 204: { description: "Deleted" }, default: problem },
      },
    },
    "/tickets/{id}/macros/{macroId}/apply": {
      post: {
        summary: "Apply a macro: its reply, status, tags, priority and assignment as one commit",
        parameters: [path("id"), path("macroId"), ...writes],
        responses: answered("Applied; the new version is the ETag"),
      },
    },
  };
}
