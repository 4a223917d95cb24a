/**
 * Admin changes to webhooks become ACTIVITY facts (docs/audit-activity.md): act, then record,
 * as every service does (`recordApplied`: a fact that cannot be recorded answers 503
 * `activity_unavailable` with `applied: true`). `changes` names the fields sent; a URL or a
 * description reads `true` (`describeChanges` keeps only numbers, booleans, null and short
 * lists: the event types), and a secret is never in a body.
 * @module
 */
import type { Context } from "hono";
import { describeChanges } from "@ticketd/shared/activity/changes.ts";
import { type RequestActivity, requestParty } from "@ticketd/shared/activity/request_source.ts";

export type WebhookAction =
  | "webhooks.webhook.created"
  | "webhooks.webhook.changed"
  | "webhooks.webhook.deleted"
  | "webhooks.secret.rotated"
  | "webhooks.delivery.redelivered";

/** Records that the caller of `c` did `action` to `targetId`, with the fields of `body`. */
export async function recordChange(
  c: Context,
  activity: RequestActivity,
  action: WebhookAction,
  target: { type: "webhook" | "delivery"; id: string },
  body?: unknown,
): Promise<void> {
  await activity.recorder.recordApplied({
    ...requestParty(c, activity.address),
    action,
    target,
    outcome: "ok",
    changes: describeChanges(body),
  });
}
