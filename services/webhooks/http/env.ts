/**
 * The Hono environment of the webhooks API, and the one rule of who may use it: a tenant's
 * admins, inside the token's tenant.
 * @module
 */
import type { Context } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";

export type WebhooksEnv = { Variables: { principal: Principal; requestId: string } };

/** The caller's tenant; 403 `forbidden` unless the caller is an admin. */
export function adminTenant(c: Context<WebhooksEnv>): string {
  const principal = c.get("principal");
  if (principal.role !== "admin") {
    fail("forbidden", "Only admins may manage webhooks", 403, { action: "manage_webhooks" });
  }
  return principal.tenant;
}

/** A path id that is a snowflake, else `missing` (nothing by that id exists: a 404). */
export function pathId(
  c: Context<WebhooksEnv>,
  name: string,
  missing: () => never = notFound,
): string {
  const id = c.req.param(name) ?? "";
  if (!/^[1-9][0-9]{0,18}$/.test(id)) missing();
  return id;
}

export function notFound(): never {
  fail("webhook_not_found", "No such webhook", 404);
}
