/**
 * The Hono environment of the sessions HTTP routes: what middleware puts on the context.
 * @module
 */
import type { Principal } from "@ticketd/shared/http/auth.ts";

export type SessionsEnv = { Variables: { principal: Principal; requestId: string } };
