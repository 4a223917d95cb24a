/**
 * The Hono environment of the tickets API: what middleware puts on the context.
 * @module
 */
import type { Principal } from "@ticketd/shared/http/auth.ts";

export type TicketsEnv = { Variables: { principal: Principal; requestId: string } };
