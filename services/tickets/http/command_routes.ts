/**
 * Writes: every route reads a strict body, runs one command through the command handler and
 * answers after JetStream has acknowledged the commit (not after the read model catches up),
 * with the new version as ETag. `Idempotency-Key` and `If-Match` pass straight through.
 * @module
 */
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { etag, parseIfMatch } from "@ticketd/shared/http/etag.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { authorise } from "../domain/permissions.ts";
import { resolveStatus } from "../domain/custom_statuses.ts";
import type { CustomStatusStore } from "../statuses/status_store.ts";
import type { ChangeRequest, CommandOptions, TicketCommands } from "../command_handler.ts";
import { commandView } from "./views.ts";
import type { TicketsEnv } from "./env.ts";
import type { HttpLimits, RequestSchemas } from "./schemas.ts";
import { ticketIdParam } from "./params.ts";
import { requestSource } from "@ticketd/shared/activity/request_source.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";

export interface CommandRoutesDeps {
  commands: TicketCommands;
  schemas: RequestSchemas;
  limits: HttpLimits;
  /** How the client address recorded in each commit is derived: the rate limits' setting. */
  address: AddressOptions;
  /** The custom status catalogue a status change may name. */
  statuses: CustomStatusStore;
}

/** POST /tickets and the change routes under /tickets/:id. */
export function commandRoutes(
  { commands, schemas, limits, address, statuses }: CommandRoutesDeps,
) {
  const app = new Hono<TicketsEnv>();
  const body = <K extends keyof RequestSchemas>(
    c: Context,
    name: K,
  ): Promise<z.output<RequestSchemas[K]>> =>
    readJson(c, schemas[name] as z.ZodType, {
      maxBytes: limits.maxRequestBytes,
      timeoutMs: limits.bodyTimeoutMs,
    }) as Promise<
      z.output<RequestSchemas[K]>
    >;

  app.post("/tickets", async (c) => {
    const principal = c.get("principal");
    const { createdAt, requesterId, ...input } = await body(c, "createTicket");
    if (createdAt) authorise(principal, "import");
    const result = await commands.create(principal.tenant, principal, {
      ...input,
      requesterId: requesterId ?? principal.id,
      createdAt: createdAt ? new Date(createdAt) : undefined,
    }, options(c, address));
    c.header("etag", etag(result.version));
    c.header("location", `/v1/tickets/${result.ticketId}`);
    return c.json(commandView(result), result.duplicate ? 200 : 201);
  });

  const change =
    (build: (c: Context) => Promise<ChangeRequest>) => async (c: Context<TicketsEnv>) => {
      const principal = c.get("principal");
      const id = ticketIdParam(c);
      const result = await commands.change(
        principal.tenant,
        id,
        principal,
        await build(c),
        options(c, address),
      );
      c.header("etag", etag(result.version));
      return c.json(commandView(result), 200);
    };

  app.post(
    "/tickets/:id/messages",
    change(async (c) => ({ type: "PostMessage", ...await body(c, "postMessage") })),
  );
  app.post(
    "/tickets/:id/status",
    change(async (c) => {
      const request = await body(c, "changeStatus");
      const id = request.customStatusId;
      const tenant = (c as Context<TicketsEnv>).get("principal").tenant;
      const found = id === undefined ? null : await statuses.get(tenant, id);
      return { type: "ChangeStatus", ...resolveStatus(request, found) };
    }),
  );
  app.put(
    "/tickets/:id/assignment",
    change(async (c) => ({ type: "AssignTicket", ...await body(c, "assign") })),
  );
  app.post(
    "/tickets/:id/tags",
    change(async (c) => ({ type: "ChangeTags", ...await body(c, "changeTags") })),
  );
  app.put(
    "/tickets/:id/priority",
    change(async (c) => ({
      type: "ChangePriority",
      to: (await body(c, "changePriority")).priority,
    })),
  );
  app.patch(
    "/tickets/:id/fields",
    change(async (c) => ({ type: "SetCustomFields", ...await body(c, "setFields") })),
  );
  return app;
}

/** `If-Match`, `Idempotency-Key` and the request's source, as every command route reads them. */
export function options(c: Context, address: AddressOptions): CommandOptions {
  const key = c.req.header("idempotency-key");
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    fail("invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters", 400);
  }
  return {
    ifMatch: parseIfMatch(c.req.header("if-match")),
    idempotencyKey: key,
    source: requestSource(c, address),
  };
}
