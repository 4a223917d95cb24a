/**
 * The OpenAPI 3.1 document of the tickets API. Request bodies come from the same zod schemas
 * that validate requests, so the document cannot drift from what the server accepts.
 * @module
 */
import { z } from "zod";
import type { RequestSchemas } from "./schemas.ts";
import { workflowPaths } from "./openapi_workflow.ts";
import { pairSchemas } from "./pair_routes.ts";

const problem = {
  description: "An RFC 9457 problem document with a stable `code`",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

function body(schema: z.ZodType) {
  return {
    required: true,
    content: {
      "application/json": {
        schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
      },
    },
  };
}

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };

function command(summary: string, schema: z.ZodType) {
  return {
    summary,
    parameters: [
      idParam,
      { $ref: "#/components/parameters/IfMatch" },
      { $ref: "#/components/parameters/IdempotencyKey" },
    ],
    requestBody: body(schema),
    responses: { 200: { description: "Applied; the new version is the ETag" }, default: problem },
  };
}

/** A two-ticket operation: both tickets in the answer (docs/merge-split-links.md). */
function pair(summary: string, schema: z.ZodType | null) {
  return {
    summary,
    parameters: [
      idParam,
      { $ref: "#/components/parameters/IfMatch" },
      { $ref: "#/components/parameters/IdempotencyKey" },
    ],
    ...(schema ? { requestBody: body(schema) } : {}),
    responses: {
      200: { description: "Done: ticket and other, as commands; the ETag is the ticket's version" },
      default: problem,
    },
  };
}

const query = (name: string, description: string) => ({
  name,
  in: "query",
  description,
  schema: { type: "string" },
});

/** The document for the schemas in use. */
export function openApiDocument(schemas: RequestSchemas) {
  return {
    openapi: "3.1.0",
    info: { title: "Ticketd tickets API", version: "1" },
    servers: [{ url: "/v1" }],
    security: [{ bearer: [] }],
    paths: {
      "/tickets": {
        post: {
          summary:
            "Open a ticket (200 instead of 201 when an Idempotency-Key or externalId repeats)",
          parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
          requestBody: body(schemas.createTicket),
          responses: {
            201: { description: "Created" },
            200: { description: "Repeat of an earlier create" },
            default: problem,
          },
        },
        get: {
          summary: "List and search tickets (keyset pagination)",
          parameters: [
            query("status", "comma list: new, open, pending, on_hold, solved, closed"),
            query("priority", "comma list: low, normal, high, urgent"),
            query("assignee", "assignee id, or none for tickets nobody is assigned"),
            query("group", "group id; repeat or comma list for several"),
            query("requester", "requester id (customers always see only their own)"),
            query("number", "the short ticket number people quote"),
            query("id", "ticket id; repeat or comma list, at most TICKETD_MAX_LIST_IDS (100)"),
            query("tag", "comma list; a ticket must carry all"),
            query("created_from", "ISO 8601, inclusive"),
            query("created_to", "ISO 8601, exclusive"),
            query("q", "keywords, all must match (CJK supported)"),
            query(
              "sort",
              "created_at, updated_at, number or priority; prefix - for descending (default -created_at)",
            ),
            query("limit", "page size"),
            query("cursor", "nextCursor of the previous page"),
            { $ref: "#/components/parameters/MinVersion" },
          ],
          responses: { 200: { description: "A page of tickets and nextCursor" }, default: problem },
        },
      },
      "/tickets/counts": {
        get: {
          summary: "Open tickets per queue, scoped as the list",
          parameters: [
            query("queue", "repeat or comma list: mine, unassigned, groups, group:<id>"),
            { $ref: "#/components/parameters/MinVersion" },
          ],
          responses: { 200: { description: "counts by queue name" }, default: problem },
        },
      },
      "/tickets/{id}": {
        get: {
          summary: "One ticket with its messages",
          parameters: [idParam, { $ref: "#/components/parameters/MinVersion" }],
          responses: {
            200: { description: "The ticket; its version is the ETag" },
            default: problem,
          },
        },
      },
      "/tickets/{id}/survey": {
        get: {
          summary: "The requester's satisfaction survey link of a solved ticket (docs/csat.md)",
          parameters: [idParam],
          responses: { 200: { description: "{token, path, expiresAt}" }, default: problem },
        },
      },
      "/surveys/{token}": {
        get: {
          summary: "The survey behind a signed link (no bearer token)",
          security: [],
          parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: { description: "{ticketNumber, status, open}" }, default: problem },
        },
        post: {
          summary: "Answer the survey once: rating 1-5 and an optional comment (no bearer token)",
          security: [],
          parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["rating"],
                  additionalProperties: false,
                  properties: {
                    rating: { type: "integer", minimum: 1, maximum: 5 },
                    comment: { type: "string" },
                  },
                },
              },
            },
          },
          responses: { 200: { description: "{rated, version}" }, default: problem },
        },
      },
      "/tickets/{id}/history": {
        get: {
          summary: "Every change, from the ticket's events",
          parameters: [idParam],
          responses: { 200: { description: "History" }, default: problem },
        },
      },
      "/tickets/{id}/messages": {
        post: command("Reply publicly or add an internal note", schemas.postMessage),
      },
      "/tickets/{id}/status": {
        post: command("Move the ticket to another status", schemas.changeStatus),
      },
      "/tickets/{id}/assignment": {
        put: command("Assign to an agent and/or group (null unassigns)", schemas.assign),
      },
      "/tickets/{id}/tags": {
        post: command("Add and remove tags", schemas.changeTags),
      },
      "/tickets/{id}/priority": {
        put: command("Change the priority", schemas.changePriority),
      },
      "/tickets/{id}/fields": {
        patch: command("Set custom fields (null clears)", schemas.setFields),
      },
      "/tickets/{id}/merge": {
        post: pair("Merge into another ticket (followed if merged itself)", pairSchemas.merge),
      },
      "/tickets/{id}/unmerge": {
        post: pair("Undo this ticket's merge: both tickets as before", null),
      },
      "/tickets/{id}/split": {
        post: pair("Split at a message: it and those after it open a follow-up", pairSchemas.split),
      },
      "/tickets/{id}/unsplit": {
        post: pair("Undo the split that made this ticket (refused once it was answered)", null),
      },
      "/tickets/{id}/links": {
        post: pair(
          "Link to another ticket (related, duplicate_of, parent_of...)",
          pairSchemas.link,
        ),
        delete: pair("Remove the link to another ticket, on both", pairSchemas.unlink),
      },
      ...workflowPaths(),
      "/keyring": {
        get: {
          summary:
            "The ticket-text KEKs (id, alg, profile, active/retiring, data keys each wraps; never material) and the last rewrap (admins, auditors)",
          responses: { 200: { description: "keks and rewrap" }, default: problem },
        },
      },
      "/keyring/rewrap": {
        post: {
          summary:
            "Start moving every data key onto its profile's active KEK (admins); follow it with GET /keyring",
          responses: {
            202: { description: "Started: the rewrap's status" },
            409: problem,
            default: problem,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      parameters: {
        IfMatch: {
          name: "If-Match",
          in: "header",
          description: 'The version you saw, as "42"; stale -> 412 version_conflict',
          schema: { type: "string" },
        },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          description: "Retries with the same key get the original result",
          schema: { type: "string" },
        },
        MinVersion: {
          name: "min_version",
          in: "query",
          description: "Wait (bounded by wait_ms) until the read model has applied this version",
          schema: { type: "integer" },
        },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            code: { type: "string" },
            detail: { type: "string" },
          },
        },
      },
    },
  };
}
