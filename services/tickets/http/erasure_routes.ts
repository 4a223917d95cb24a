/**
 * POST /customers/:customerId/erasure: crypto-shreds a customer (admins only). Answers with
 * what was destroyed; repeating it is safe.
 * @module
 */
import { Hono } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import { isPlainValue } from "@ticketd/shared/http/text.ts";
import { eraseCustomer, type ErasureDeps } from "../erasure.ts";
import type { TicketsEnv } from "./env.ts";
import type { ReadActivityDeps } from "./read_activity.ts";
import { requestParty } from "@ticketd/shared/activity/request_source.ts";

const MAX_CUSTOMER_ID_CHARS = 128;

/** Act, then record: the erasure cannot be undone, so a lost fact is a 503 that says it stands. */
export function erasureRoutes(deps: ErasureDeps, activity: ReadActivityDeps) {
  const app = new Hono<TicketsEnv>();
  app.post("/customers/:customerId/erasure", async (c) => {
    const customerId = c.req.param("customerId");
    if (customerId.length > MAX_CUSTOMER_ID_CHARS || !isPlainValue(customerId)) {
      fail("invalid_customer_id", "The customer id is not a plain id of at most 128 chars", 400);
    }
    const principal = c.get("principal");
    const report = await eraseCustomer(deps, principal.tenant, principal, customerId);
    await activity.activity.recordApplied({
      ...requestParty(c, activity.address),
      action: "tickets.customer.erased",
      target: { type: "customer", id: customerId },
      outcome: "ok",
      changes: { ...report },
    });
    return c.json({ customerId, ...report }, 200);
  });
  return app;
}
