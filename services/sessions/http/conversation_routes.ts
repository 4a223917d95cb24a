/**
 * The conversation API over plain HTTP (the fallback beside the WebSocket, with SSE for the
 * events): open, read, join, post, typing, read markers and close, in the caller's tenant.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { BodyLimits } from "@ticketd/shared/http/body.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { plainString, text } from "@ticketd/shared/http/text.ts";
import type { ConversationActions } from "./conversation_actions.ts";
import type { SessionsEnv } from "./env.ts";
import type { SessionLimits } from "./limits.ts";

export interface ConversationRoutesDeps {
  actions: ConversationActions;
  limits: Pick<SessionLimits, "messageChars">;
  body: BodyLimits;
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

  app.post(base, async (c) => c.json(await actions.open(c.get("principal")), 201));
  app.get(`${base}/:id`, async (c) => {
    return c.json(await actions.view(c.get("principal"), c.req.param("id")));
  });
  app.post(`${base}/:id/join`, async (c) => {
    return c.json(await actions.join(c.get("principal"), c.req.param("id")));
  });
  app.post(`${base}/:id/messages`, async (c) => {
    const input = await readJson(c, messageBody, deps.body);
    const who = c.get("principal");
    const event = await actions.post(who, c.req.param("id"), input.text, input.clientMessageId);
    return c.json({ event }, 201);
  });
  app.post(`${base}/:id/typing`, async (c) => {
    return c.json({ event: await actions.typing(c.get("principal"), c.req.param("id")) });
  });
  app.post(`${base}/:id/read`, async (c) => {
    const { upToSeq } = await readJson(c, readBody, deps.body);
    return c.json({ event: await actions.read(c.get("principal"), c.req.param("id"), upToSeq) });
  });
  app.post(`${base}/:id/close`, async (c) => {
    return c.json({ event: await actions.close(c.get("principal"), c.req.param("id")) });
  });
  return app;
}
