/**
 * The custom status catalogue: everyone who may list tickets may read it (the console and portal
 * name statuses with it); admins create, rename and retire. Each change is an ACTIVITY fact.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { text } from "@ticketd/shared/http/text.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { requestParty } from "@ticketd/shared/activity/request_source.ts";
import { authorise } from "../domain/permissions.ts";
import type { CustomStatus } from "../domain/custom_statuses.ts";
import type { CustomStatusStore } from "../statuses/status_store.ts";
import type { TicketsEnv } from "./env.ts";
import type { ReadActivityDeps } from "./read_activity.ts";
import type { HttpLimits } from "./schemas.ts";

export interface StatusRoutesDeps extends ReadActivityDeps {
  statuses: CustomStatusStore;
  limits: HttpLimits;
  nextId: () => string;
  now: () => Date;
  /** The longest status name, in characters (`TICKETD_MAX_STATUS_NAME_CHARS`). */
  maxStatusNameChars: number;
}

/** GET/POST /statuses, PATCH /statuses/:statusId, POST /statuses/:statusId/retire. */
export function statusRoutes(deps: StatusRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  const name = text(deps.maxStatusNameChars, { singleLine: true });
  const names = z.strictObject({ en: name, zh: name.optional() });
  const bodyOf = <S extends z.ZodType>(c: Context, schema: S) =>
    readJson(c, schema, {
      maxBytes: deps.limits.maxRequestBytes,
      timeoutMs: deps.limits.bodyTimeoutMs,
    }) as Promise<z.output<S>>;

  app.get("/statuses", async (c) => {
    const principal = c.get("principal");
    authorise(principal, "list");
    return c.json({ statuses: await deps.statuses.list(principal.tenant) });
  });

  app.post("/statuses", async (c) => {
    const principal = c.get("principal");
    authorise(principal, "manage_statuses");
    const body = await bodyOf(c, z.strictObject({ category: z.enum(TICKET_STATUSES), names }));
    const status = await deps.statuses.create(principal.tenant, {
      id: deps.nextId(),
      ...body,
    }, deps.now());
    await recorded(c, deps, "tickets.status.created", status);
    c.header("location", `/v1/statuses/${status.id}`);
    return c.json(status, 201);
  });

  app.patch("/statuses/:statusId", async (c) => {
    const principal = c.get("principal");
    authorise(principal, "manage_statuses");
    const id = statusIdParam(c);
    const body = await bodyOf(c, z.strictObject({ names }));
    const status = await deps.statuses.rename(principal.tenant, id, body.names, deps.now());
    await recorded(c, deps, "tickets.status.renamed", status);
    return c.json(status);
  });

  app.post("/statuses/:statusId/retire", async (c) => {
    const principal = c.get("principal");
    authorise(principal, "manage_statuses");
    const status = await deps.statuses.retire(principal.tenant, statusIdParam(c), deps.now());
    await recorded(c, deps, "tickets.status.retired", status);
    return c.json(status);
  });
  return app;
}

function statusIdParam(c: Context): string {
  const id = c.req.param("statusId") ?? "";
  if (!isSnowflake(id)) {
    fail("custom_status_not_found", `No custom status "${id.slice(0, 40)}"`, 404);
  }
  return id;
}

/** Act, then record: the change stands; names are configuration, never customer text. */
async function recorded(c: Context, deps: ReadActivityDeps, action: string, s: CustomStatus) {
  await deps.activity.recordApplied({
    ...requestParty(c, deps.address),
    action,
    target: { type: "custom_status", id: s.id },
    outcome: "ok",
    changes: { category: s.category, retired: s.retired },
  });
}
