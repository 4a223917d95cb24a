/**
 * Pure rules turning source events into notifications: ticket commits (assigned, reply; the
 * requester's `customer_rules.ts`), SLA alarms (to the assignee, else the group) and presence
 * changes (to the team). No I/O, no clock: times come from the events themselves.
 * @module
 */
import type { TicketCommit, TicketEvent, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import type { RoutingEvent } from "@ticketd/shared/events/routing.ts";
import { customerNotification } from "./customer_rules.ts";
import { type Audience, audienceFor, type Notification, notificationId } from "./notification.ts";

/** Who a ticket is assigned to, who asked and where it stands, as far as notifications care. */
export interface TicketAssignment {
  assigneeId: string | null;
  groupId: string | null;
  /** null: not known (the ticket's creation was not seen). */
  requesterId: string | null;
  /** null: not known. */
  status: TicketStatus | null;
}

/** A presence change as routing publishes it on `routing.presence.<tenant>.<agentId>`. */
export interface PresenceChange {
  tenant: string;
  agentId: string;
  status: "online" | "away" | "offline";
  at: string;
}

/** The assignment after one event (unchanged by events that do not assign). */
export function evolveAssignment(
  assignment: TicketAssignment | null,
  event: TicketEvent,
): TicketAssignment | null {
  if (event.type === "TicketCreated") {
    const { assigneeId, groupId, requesterId, status } = event.data;
    return { assigneeId, groupId, requesterId, status };
  }
  const known = assignment ?? { assigneeId: null, groupId: null, requesterId: null, status: null };
  if (event.type === "TicketAssigned") {
    return { ...known, assigneeId: event.data.assigneeId, groupId: event.data.groupId };
  }
  if (event.type === "TicketStatusChanged") return { ...known, status: event.data.to };
  return assignment;
}

/**
 * The notifications one commit at stream sequence `seq` raises, given the assignment before it
 * (null = unknown: replies cannot be addressed), and the assignment after it.
 */
export function commitNotifications(
  commit: TicketCommit,
  seq: number,
  before: TicketAssignment | null,
): { notifications: Notification[]; after: TicketAssignment | null } {
  const notifications: Notification[] = [];
  let assignment = before;
  commit.events.forEach((event, index) => {
    assignment = evolveAssignment(assignment, event);
    const raised = eventNotification(commit, seq, index, event, assignment);
    if (raised) notifications.push(raised);
    const told = customerNotification(commit, seq, index, event, assignment);
    if (told) notifications.push(told);
  });
  return { notifications, after: assignment };
}

function eventNotification(
  commit: TicketCommit,
  seq: number,
  index: number,
  event: TicketEvent,
  assignment: TicketAssignment | null,
): Notification | null {
  const { meta } = commit;
  const base = { tenant: meta.tenant, ticketId: meta.ticketId, at: meta.at, sourceSeq: seq };
  const sourceKey = `tickets:${seq}:${index}`;
  if (event.type === "TicketCreated" || event.type === "TicketAssigned") {
    const to = event.data.assigneeId === null ? null : audienceFor(event.data.assigneeId, null);
    if (!to) return null;
    const data = { groupId: event.data.groupId, by: meta.actorId };
    return { id: notificationId(sourceKey, to), ...to, ...base, kind: "assigned", data };
  }
  // The opening message of a new ticket is not a reply: the assignee hears `assigned`.
  if (event.type !== "MessagePosted" || commit.events[0].type === "TicketCreated") return null;
  const assigneeId = assignment?.assigneeId ?? null;
  if (assigneeId === null || assigneeId === event.data.authorId) return null;
  const to = audienceFor(assigneeId, null);
  if (!to) return null;
  const { messageId, authorId, authorRole, internal } = event.data;
  const data = { messageId, authorId, authorRole, internal };
  return { id: notificationId(sourceKey, to), ...to, ...base, kind: "reply", data };
}

/**
 * The notification of an SLA alarm stored at `seq` at time `at`: for the assignee, else the
 * group, else nobody. Keyed by the alarm (not the sequence), so an alarm stored twice is one.
 */
export function slaNotification(
  event: RoutingEvent,
  seq: number,
  at: string,
  assignment: TicketAssignment | null,
): Notification | null {
  const to = audienceFor(assignment?.assigneeId ?? null, assignment?.groupId ?? null);
  if (!to) return null;
  const { tenant, ticketId, target, dueAt, policyPriority } = event.data;
  const stage = event.type === "SlaWarningIssued" ? "sla_warning" : "sla_breached";
  const sourceKey = `sla:${tenant}:${ticketId}:${target}:${stage}:${dueAt}`;
  return {
    id: notificationId(sourceKey, to),
    ...to,
    tenant,
    kind: stage,
    ticketId,
    at,
    sourceSeq: seq,
    data: { target, dueAt, policyPriority },
  };
}

/** The team notification of a presence change. */
export function presenceNotification(change: PresenceChange): Notification {
  const to: Audience = { team: true };
  const sourceKey = `presence:${change.tenant}:${change.agentId}:${change.status}:${change.at}`;
  return {
    id: notificationId(sourceKey, to),
    ...to,
    tenant: change.tenant,
    kind: "presence",
    at: change.at,
    data: { presenceOf: change.agentId, status: change.status },
  };
}
