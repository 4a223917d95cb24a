/**
 * The Hono environment of the routing API: what middleware puts on the context.
 * @module
 */
import type { Principal } from "@ticketd/shared/http/auth.ts";

export type RoutingEnv = { Variables: { principal: Principal; requestId: string } };

/** Limits every routing route applies when reading a JSON body. */
export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}
