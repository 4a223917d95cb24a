/**
 * Macros: list, save and delete (the tenant's by admins, one's own by any agent), and apply one
 * to a ticket as a single commit of all its changes, with `If-Match` and `Idempotency-Key` as on
 * every command. Macro text is sealed before it is stored and opened only to fill and answer.
 * @module
 */
import { type Context, Hono } from "hono";
import type { z } from "zod";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import { ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { etag } from "@ticketd/shared/http/etag.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { TicketCommands } from "../command_handler.ts";
import { resolveStatus } from "../domain/custom_statuses.ts";
import { checkActions, fillPlaceholders, type Macro, macroChanges } from "../domain/macros.ts";
import { authorise, canSee } from "../domain/permissions.ts";
import type { ExistingTicket } from "../domain/ticket.ts";
import type { MacroStore, StoredMacro } from "../macros/macro_store.ts";
import type { CustomStatusStore } from "../statuses/status_store.ts";
import type { TicketLoader } from "../ticket_loader.ts";
import { options } from "./command_routes.ts";
import type { TicketsEnv } from "./env.ts";
import { macroSchema } from "./macro_schema.ts";
import { ticketIdParam } from "./params.ts";
import type { HttpLimits } from "./schemas.ts";
import { commandView } from "./views.ts";

export interface MacroRoutesDeps {
  macros: MacroStore;
  statuses: CustomStatusStore;
  commands: TicketCommands;
  loader: TicketLoader;
  envelope: Envelope;
  limits: HttpLimits;
  address: AddressOptions;
  nextId: () => string;
  now: () => Date;
  /** `TICKETD_MAX_MACRO_NAME_CHARS`. */
  maxMacroNameChars: number;
}

/** Macro text is sealed under this owner's data keys, bound to the macro (not a ticket). */
const MACRO_KEY_OWNER = "macros";
const macroScope = (tenant: string, id: string) => ({ tenant, ticketId: `macro:${id}` });

/** GET/POST /macros, PUT/DELETE /macros/:macroId, POST /tickets/:id/macros/:macroId/apply. */
export function macroRoutes(deps: MacroRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  const schema = macroSchema(deps.limits, deps.maxMacroNameChars);
  const bodyOf = (c: Context) =>
    readJson(c, schema, {
      maxBytes: deps.limits.maxRequestBytes,
      timeoutMs: deps.limits.bodyTimeoutMs,
    }) as Promise<z.output<typeof schema>>;

  app.get("/macros", async (c) => {
    const principal = c.get("principal");
    authorise(principal, "use_macros");
    const stored = await deps.macros.visibleTo(principal.tenant, principal.id);
    return c.json({ macros: await Promise.all(stored.map((m) => opened(deps, principal, m))) });
  });

  app.post("/macros", async (c) => {
    const principal = c.get("principal");
    const { scope, ...body } = await bodyOf(c);
    const ownerId = scope === "tenant" ? null : principal.id;
    authorise(principal, ownerId === null ? "manage_macros" : "use_macros");
    const macro = await sealed(deps, principal, { ...body, id: deps.nextId(), ownerId });
    await deps.macros.create(principal.tenant, macro, deps.now());
    c.header("location", `/v1/macros/${macro.id}`);
    return c.json(await opened(deps, principal, macro), 201);
  });

  app.put("/macros/:macroId", async (c) => {
    const principal = c.get("principal");
    const found = await mayChange(deps, principal, macroIdParam(c));
    const { scope: _, ...body } = await bodyOf(c);
    const macro = await sealed(deps, principal, { ...body, id: found.id, ownerId: found.ownerId });
    await deps.macros.replace(principal.tenant, macro, deps.now());
    return c.json(await opened(deps, principal, macro));
  });

  app.delete("/macros/:macroId", async (c) => {
    const principal = c.get("principal");
    const found = await mayChange(deps, principal, macroIdParam(c));
    await deps.macros.delete(principal.tenant, found.id);
    return c.body(null, 204);
  });

  app.post("/tickets/:id/macros/:macroId/apply", async (c) => {
    const principal = c.get("principal");
    const ticketId = ticketIdParam(c);
    authorise(principal, "use_macros");
    const macro = await visibleMacro(deps, principal, macroIdParam(c));
    const { state } = await deps.loader.load(ticketSubject(principal.tenant, ticketId));
    if (state.status === "none" || !canSee(principal, state)) {
      fail("ticket_not_found", `No ticket with id "${ticketId}"`, 404);
    }
    const text = macro.text && {
      body: fillPlaceholders(
        await deps.envelope.open(macro.text.sealed, macroScope(principal.tenant, macro.id)),
        placeholderValues(state, principal),
      ),
      internal: macro.text.internal,
    };
    const status = await statusOf(deps, principal.tenant, macro);
    const changes = macroChanges(macro, text, status);
    const result = await deps.commands.changeAll(
      principal.tenant,
      ticketId,
      principal,
      changes,
      options(c, deps.address),
    );
    c.header("etag", etag(result.version));
    return c.json(commandView(result), 200);
  });
  return app;
}

function placeholderValues(ticket: ExistingTicket, agent: Principal) {
  return {
    "ticket.number": String(ticket.number),
    "ticket.status": ticket.status,
    "ticket.priority": ticket.priority,
    "requester.id": ticket.requesterId,
    "agent.id": agent.id,
  };
}

/** The status a macro sets, as a change decides it; a custom one is looked up again now. */
async function statusOf(deps: MacroRoutesDeps, tenant: string, macro: StoredMacro) {
  if (macro.customStatusId !== null) {
    const found = await deps.statuses.get(tenant, macro.customStatusId);
    return resolveStatus({
      status: macro.status ?? undefined,
      customStatusId: macro.customStatusId,
    }, found);
  }
  return macro.status === null ? null : { to: macro.status, customStatusId: null };
}

/** Checks a macro to be saved and seals its text. */
async function sealed(deps: MacroRoutesDeps, principal: Principal, macro: Macro) {
  checkActions(macro);
  if (macro.customStatusId !== null) {
    await statusOf(deps, principal.tenant, { ...macro, text: null });
  }
  const text = macro.text && {
    internal: macro.text.internal,
    sealed: await deps.envelope.seal(macro.text.body, {
      ...macroScope(principal.tenant, macro.id),
      ownerId: MACRO_KEY_OWNER,
    }),
  };
  return { ...macro, text } satisfies StoredMacro;
}

async function opened(deps: MacroRoutesDeps, principal: Principal, m: StoredMacro) {
  const body = m.text &&
    await deps.envelope.open(m.text.sealed, macroScope(principal.tenant, m.id));
  return {
    ...m,
    scope: m.ownerId === null ? "tenant" : "personal",
    text: m.text && { body, internal: m.text.internal },
  };
}

/** The tenant's macros and the caller's own; anyone else's do not exist for them. */
async function visibleMacro(deps: MacroRoutesDeps, principal: Principal, id: string) {
  const macro = await deps.macros.get(principal.tenant, id);
  if (!macro || (macro.ownerId !== null && macro.ownerId !== principal.id)) {
    fail("macro_not_found", `No macro "${id}"`, 404);
  }
  return macro;
}

/** The tenant's macros are the admins' to change; one's own are one's own. */
async function mayChange(deps: MacroRoutesDeps, principal: Principal, id: string) {
  const macro = await visibleMacro(deps, principal, id);
  authorise(principal, macro.ownerId === null ? "manage_macros" : "use_macros");
  return macro;
}

function macroIdParam(c: Context): string {
  const id = c.req.param("macroId") ?? "";
  if (!isSnowflake(id)) fail("macro_not_found", `No macro "${id.slice(0, 40)}"`, 404);
  return id;
}
