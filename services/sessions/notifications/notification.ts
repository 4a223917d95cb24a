/**
 * What an agent is told, and where: the notification shape (ids and metadata only, never ticket
 * text), its subjects on core NATS and its deterministic id, so two feeds fed the same source
 * event publish the same id and an inbox keeps one.
 * @module
 */
import { z } from "zod";
import { TENANT } from "@ticketd/shared/http/auth.ts";

export const NOTIFICATION_KINDS = [
  "assigned",
  "reply",
  "sla_warning",
  "sla_breached",
  "presence",
  "queue",
  "status",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A recipient id must be one subject token: no dots, no wildcards, no spaces. */
export const RECIPIENT_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

const datum = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const AUDIENCE_KEYS = ["agentId", "groupId", "team", "customerId", "queue"] as const;

/**
 * Exactly one audience: an agent, a group (unassigned ticket), the tenant's team (presence), a
 * ticket's requester (customer), or the agents who see a queue (`queue.groupId` null: the
 * tickets with no group).
 */
export const notificationSchema = z.object({
  id: z.string().regex(/^[0-9]{1,19}$/),
  tenant: z.string().regex(TENANT),
  agentId: z.string().regex(RECIPIENT_TOKEN).optional(),
  groupId: z.string().regex(RECIPIENT_TOKEN).optional(),
  team: z.literal(true).optional(),
  customerId: z.string().regex(RECIPIENT_TOKEN).optional(),
  queue: z.strictObject({ groupId: z.string().regex(RECIPIENT_TOKEN).nullable() }).optional(),
  kind: z.enum(NOTIFICATION_KINDS),
  ticketId: z.string().optional(),
  /** ISO 8601 UTC: when the source event happened. */
  at: z.iso.datetime(),
  /** The source event's stream sequence (TICKETS or ROUTING); absent for presence. */
  sourceSeq: z.number().int().positive().optional(),
  data: z.record(z.string(), datum),
}).refine(
  (n) => AUDIENCE_KEYS.filter((key) => n[key] !== undefined).length === 1,
  `a notification has exactly one of ${AUDIENCE_KEYS.join(", ")}`,
);
export type Notification = z.infer<typeof notificationSchema>;

/** Who a notification is for; a recipient that cannot be a subject token is none. */
export type Audience =
  | { agentId: string }
  | { groupId: string }
  | { team: true }
  | { customerId: string }
  | { queue: { groupId: string | null } };

/** `sessions.notify.<tenant>.<agentId>`: one agent's notifications. */
export function agentSubject(tenant: string, agentId: string): string {
  return `sessions.notify.${tenant}.${agentId}`;
}

/** `sessions.notify.<tenant>.group.<groupId>`: an unassigned ticket's group (five tokens, so no
 * agent id can collide with it). */
export function groupSubject(tenant: string, groupId: string): string {
  return `sessions.notify.${tenant}.group.${groupId}`;
}

/** `sessions.notify.<tenant>.team.presence`: the tenant's roster view, one message per change. */
export function teamSubject(tenant: string): string {
  return `sessions.notify.${tenant}.team.presence`;
}

/** `sessions.notify.<tenant>.customer.<customerId>`: a requester's own tickets (five tokens). */
export function customerSubject(tenant: string, customerId: string): string {
  return `sessions.notify.${tenant}.customer.${customerId}`;
}

/**
 * A queue's changes: `sessions.notify.<tenant>.queue.group.<groupId>` (six tokens) for a group's
 * tickets, `sessions.notify.<tenant>.queue.ungrouped` (five) for the tickets with no group.
 */
export function queueSubject(tenant: string, groupId: string | null): string {
  return groupId === null
    ? `sessions.notify.${tenant}.queue.ungrouped`
    : `sessions.notify.${tenant}.queue.group.${groupId}`;
}

/** Every queue of a tenant, for those who see every ticket (supervisors, admins). */
export function allQueuesSubject(tenant: string): string {
  return `sessions.notify.${tenant}.queue.>`;
}

/** The subject a notification is published on. */
export function subjectOf(n: Notification): string {
  if (n.agentId !== undefined) return agentSubject(n.tenant, n.agentId);
  if (n.groupId !== undefined) return groupSubject(n.tenant, n.groupId);
  if (n.customerId !== undefined) return customerSubject(n.tenant, n.customerId);
  if (n.queue !== undefined) return queueSubject(n.tenant, n.queue.groupId);
  return teamSubject(n.tenant);
}

/** The audience for an assignee or, failing that, a group; null when neither can be addressed. */
export function audienceFor(agentId: string | null, groupId: string | null): Audience | null {
  if (agentId !== null) return RECIPIENT_TOKEN.test(agentId) ? { agentId } : null;
  if (groupId !== null) return RECIPIENT_TOKEN.test(groupId) ? { groupId } : null;
  return null;
}

/**
 * The notification id: FNV-1a 64 of the source event's key and the audience, as a positive
 * decimal (63 bits). Deterministic on purpose: the same event for the same agent is one id.
 */
export function notificationId(sourceKey: string, audience: Audience): string {
  const to = audienceKey(audience);
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`${sourceKey}|${to}`)) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  }
  return String(BigInt.asUintN(63, hash));
}

/** A short, distinct text per audience (ids, batching keys). */
export function audienceKey(audience: Audience): string {
  if ("agentId" in audience) return `a:${audience.agentId}`;
  if ("groupId" in audience) return `g:${audience.groupId}`;
  if ("customerId" in audience) return `c:${audience.customerId}`;
  if ("queue" in audience) return `q:${audience.queue.groupId ?? ""}`;
  return "team";
}
