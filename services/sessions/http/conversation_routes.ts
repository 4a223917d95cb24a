/**
 * The conversation API over plain HTTP (the fallback beside the WebSocket, with SSE for the
 * events): open, read, join, post, typing, read markers and close, in the caller's tenant.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { requestSource } from "@ticketd/shared/activity/request_source.ts";
import type { BodyLimits } from "@ticketd/shared/http/body.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { plainString, text } from "@ticketd/shared/http/text.ts";
import type { Caller, ConversationActions } from "./conversation_actions.ts";
import type { SessionsEnv } from "./env.ts";
import type { SessionLimits } from "./limits.ts";

export interface ConversationRoutesDeps {
  actions: ConversationActions;
  limits: Pick<SessionLimits, "messageChars">;
  body: BodyLimits;
  /** How the client address recorded with each event is derived (trust-forwarded-for). */
  address?: AddressOptions;
}

/** `/sessions/conversations...` for callers with a `principal` on the context. */
export function conversationRoutes(deps: ConversationRoutesDeps): Hono<SessionsEnv> {
  const { actions } = deps;
  const app = new Hono<SessionsEnv>();
  const messageBody = z.strictObject({
    text: text(deps.limits.messageChars),
    clientMessageId: plainString(64).optional(),
  });
  const readBody = z.strictObject({ upToSeq: z.int().min(0) });
  const base = "/sessions/conversations";
  const caller = (c: Context<SessionsEnv>): Caller => ({
    ...c.get("principal"),
    source: requestSource(c, deps.address ?? {}),
  });

  app.post(base, async (c) => c.json(await actions.open(caller(c)), 201));
  app.get(`${base}/:id`, async (c) => {
    return c.json(await actions.view(c.get("principal"), c.req.param("id")));
  });
  app.post(`${base}/:id/join`, async (c) => {
    return c.json(await actions.join(caller(c), c.req.param("id")));
  });
  app.post(`${base}/:id/messages`, async (c) => {
    const input = await readJson(c, messageBody, deps.body);
    const who = caller(c);
    const event = await actions.post(who, c.req.param("id"), input.text, input.clientMessageId);
    return c.json({ event }, 201);
  });
  app.post(`${base}/:id/typing`, async (c) => {
    return c.json({ event: await actions.typing(caller(c), c.req.param("id")) });
  });
  app.post(`${base}/:id/read`, async (c) => {
    const { upToSeq } = await readJson(c, readBody, deps.body);
    return c.json({ event: await actions.read(caller(c), c.req.param("id"), upToSeq) });
  });
  app.post(`${base}/:id/close`, async (c) => {
    return c.json({ event: await actions.close(caller(c), c.req.param("id")) });
  });
  return app;
}
