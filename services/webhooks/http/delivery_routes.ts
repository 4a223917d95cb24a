/**
 * The delivery log of one webhook, newest first in keyset pages (`?status=&limit=&cursor=`),
 * and redelivery of one delivery (a failed one, or any again): queued now with a fresh budget
 * of attempts, under the same event id. A pending delivery whose endpoint's breaker is open shows
 * when the breaker lets it go (`heldByBreakerUntil`, and `nextAttemptAt` not before it).
 * @module
 */
import { Hono } from "hono";
import { checkParamNames, invalidParam, plainParam } from "@ticketd/shared/http/query_params.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { RequestActivity } from "@ticketd/shared/activity/request_source.ts";
import { type Breaker, heldUntil } from "../domain/breaker.ts";
import {
  DELIVERY_STATUSES,
  type DeliveryRow,
  type DeliveryStatus,
  type DeliveryStore,
} from "../store/deliveries.ts";
import type { SubscriptionStore } from "../store/subscriptions.ts";
import { recordChange } from "./activity.ts";
import { adminTenant, notFound, pathId, type WebhooksEnv } from "./env.ts";

export interface DeliveryRoutesDeps {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  pages: { defaultSize: number; maxSize: number };
  /** Told after a redelivery, so it goes out now. */
  redelivered: () => void;
  /** The endpoint's breaker in this process's dispatcher (closed unless it dispatches). */
  breakerOf: (subscriptionId: string) => Breaker;
  activity: RequestActivity;
}

const KNOWN = new Set(["status", "limit", "cursor"]);

export function deliveryRoutes(deps: DeliveryRoutesDeps): Hono<WebhooksEnv> {
  const app = new Hono<WebhooksEnv>();

  app.get("/webhooks/:id/deliveries", async (c) => {
    const tenant = adminTenant(c);
    const id = pathId(c, "id");
    const params = new URL(c.req.url).searchParams;
    checkParamNames(params, KNOWN);
    const status = plainParam(params, "status", 16) as DeliveryStatus | undefined;
    if (status !== undefined && !DELIVERY_STATUSES.includes(status)) {
      invalidParam("status", `must be one of ${DELIVERY_STATUSES.join(", ")}`);
    }
    const limit = pageSize(params.get("limit"), deps.pages);
    const cursor = plainParam(params, "cursor", 20) ?? null;
    if (cursor !== null && !/^[1-9][0-9]{0,18}$/.test(cursor)) {
      fail("invalid_cursor", "The cursor is malformed", 400);
    }
    if (!(await deps.subscriptions.get(tenant, id))) notFound();
    const rows = await deps.deliveries.page(id, { before: cursor, limit, status });
    const held = heldUntil(deps.breakerOf(id), Date.now());
    return c.json({
      deliveries: rows.map((row) => deliveryView(row, held)),
      nextCursor: rows.length === limit ? rows.at(-1)!.id : null,
    });
  });

  app.post("/webhooks/:id/deliveries/:deliveryId/redeliver", async (c) => {
    const tenant = adminTenant(c);
    const id = pathId(c, "id");
    if (!(await deps.subscriptions.get(tenant, id))) notFound();
    const deliveryId = pathId(c, "deliveryId", deliveryNotFound);
    if (!(await deps.deliveries.redeliver(id, deliveryId, new Date()))) deliveryNotFound();
    deps.redelivered();
    const target = { type: "delivery" as const, id: deliveryId };
    await recordChange(c, deps.activity, "webhooks.delivery.redelivered", target, { webhook: id });
    return c.json({ id: deliveryId, status: "pending" }, 202);
  });

  return app;
}

function deliveryNotFound(): never {
  fail("delivery_not_found", "No such delivery of this webhook", 404);
}

function pageSize(raw: string | null, pages: { defaultSize: number; maxSize: number }): number {
  if (raw === null) return pages.defaultSize;
  const limit = Number(raw);
  if (!/^[0-9]{1,9}$/.test(raw) || limit < 1 || limit > pages.maxSize) {
    invalidParam("limit", `must be an integer in 1..${pages.maxSize}`);
  }
  return limit;
}

/** One log entry; `held`: until when the endpoint's breaker holds its deliveries (ms), or null. */
function deliveryView(row: DeliveryRow, held: number | null) {
  const pending = row.status === "pending";
  const heldBack = pending && held !== null && held > row.nextAttemptAt.getTime();
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastDurationMs: row.lastDurationMs,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: pending ? new Date(heldBack ? held : row.nextAttemptAt).toISOString() : null,
    heldByBreakerUntil: heldBack ? new Date(held).toISOString() : null,
    createdAt: row.createdAt.toISOString(),
  };
}
