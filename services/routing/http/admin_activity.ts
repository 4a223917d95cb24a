/**
 * Changes to rules, agents and SLA settings become ACTIVITY facts: act, then record (the fact
 * names what was done, so it follows the change; a fact that cannot be recorded turns the answer
 * into 503 `activity_unavailable` with `applied: true`, and the fact goes to the error log). A
 * refused change (403) is recorded as `denied`; requests the rules refuse as invalid change
 * nothing and are not recorded.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { describeChanges } from "@ticketd/shared/activity/changes.ts";
import { type RequestActivity, requestParty } from "@ticketd/shared/activity/request_source.ts";

interface AdminAction {
  method: string;
  path: RegExp;
  action: string;
  targetType: string;
}

const ADMIN_ACTIONS: AdminAction[] = [
  {
    method: "POST",
    path: /^\/v1\/routing\/rules$/,
    action: "routing.rule.saved",
    targetType: "rule",
  },
  {
    method: "PUT",
    path: /^\/v1\/routing\/rules\/order$/,
    action: "routing.rules.reordered",
    targetType: "tenant",
  },
  {
    method: "PUT",
    path: /^\/v1\/routing\/rules\/([^/]+)$/,
    action: "routing.rule.saved",
    targetType: "rule",
  },
  {
    method: "DELETE",
    path: /^\/v1\/routing\/rules\/([^/]+)$/,
    action: "routing.rule.deleted",
    targetType: "rule",
  },
  {
    method: "PUT",
    path: /^\/v1\/routing\/agents\/([^/]+)$/,
    action: "routing.agent.saved",
    targetType: "agent",
  },
  {
    method: "DELETE",
    path: /^\/v1\/routing\/agents\/([^/]+)$/,
    action: "routing.agent.removed",
    targetType: "agent",
  },
  {
    method: "PUT",
    path: /^\/v1\/routing\/sla\/policies$/,
    action: "routing.sla_policies.changed",
    targetType: "tenant",
  },
  {
    method: "PUT",
    path: /^\/v1\/routing\/sla\/calendar$/,
    action: "routing.sla_calendar.changed",
    targetType: "tenant",
  },
];

/** Middleware (behind bearer auth) recording each admin change after its handler ran. */
export function adminActivity(activity: RequestActivity): MiddlewareHandler {
  return async (c, next) => {
    const found = matchAction(c);
    if (!found) return await next();
    const body = c.req.raw.body ? c.req.raw.clone().json().catch(() => undefined) : undefined;
    await next();
    const denied = c.res.status === 403;
    if (!denied && (c.res.status < 200 || c.res.status > 299)) return;
    const fact = {
      ...requestParty(c, activity.address),
      action: found.action.action,
      target: { type: found.action.targetType, id: await targetId(c, found) },
      outcome: denied ? "denied" as const : "ok" as const,
      changes: describeChanges(await body),
    };
    if (denied) await activity.recorder.recordOrLog(fact);
    else await activity.recorder.recordApplied(fact);
  };
}

function matchAction(c: Context): { action: AdminAction; id?: string } | undefined {
  for (const action of ADMIN_ACTIONS) {
    if (action.method !== c.req.method) continue;
    const match = action.path.exec(c.req.path);
    if (match) return { action, id: match[1] && decodeURIComponent(match[1]).slice(0, 128) };
  }
  return undefined;
}

/** The id from the path; a new rule's from the answer; the tenant for tenant-wide settings. */
async function targetId(c: Context, found: { action: AdminAction; id?: string }) {
  if (found.id) return found.id;
  if (found.action.targetType === "tenant") return requestParty(c, {}).tenant;
  const answer = await c.res.clone().json().catch(() => ({})) as { id?: unknown };
  return typeof answer.id === "string" && answer.id ? answer.id : "unknown";
}
