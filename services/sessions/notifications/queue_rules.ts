/**
 * Which queues a commit changed, from the ticket's place before and after it: a ticket entering
 * or leaving *Unassigned*, a group's queue or an agent's *Mine* (created, unassigned, moved to
 * another group, assigned, solved, reopened), or changing what its row shows there. Pure; the
 * feed batches what this returns.
 * @module
 */
import type { TicketEvent, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { type Audience, audienceKey, RECIPIENT_TOKEN } from "./notification.ts";
import type { TicketAssignment } from "./notification_rules.ts";

/** The statuses the queues count (the tickets service's `OPEN_STATUSES`). */
export const QUEUED_STATUSES: readonly TicketStatus[] = ["new", "open", "pending", "on_hold"];

/**
 * The audiences whose queues differ between `before` and `after` (null: no ticket yet), or,
 * with `rowChanged` (the commit changed what a queue shows of the ticket: its status, custom
 * status or priority, which a queue may also be narrowed by), every queue it is or was in.
 * `alreadyTold` are agents the commit notifies anyway (`assigned`): they are left out.
 */
export function queueAudiences(
  before: TicketAssignment | null,
  after: TicketAssignment | null,
  alreadyTold: ReadonlySet<string> = new Set(),
  rowChanged = false,
): Audience[] {
  const was = placeAudiences(before);
  const is = placeAudiences(after);
  const wasKeys = new Set(was.map(audienceKey));
  const isKeys = new Set(is.map(audienceKey));
  const samePlace = wasKeys.size === isKeys.size && [...wasKeys].every((k) => isKeys.has(k));
  if (samePlace && !rowChanged) return [];
  const changed = new Map<string, Audience>();
  for (const audience of [...was, ...is]) {
    if ("agentId" in audience && alreadyTold.has(audience.agentId)) continue;
    changed.set(audienceKey(audience), audience);
  }
  return [...changed.values()];
}

/** The events that change what a queue row shows, or a queue's status filter, of a ticket. */
const ROW_EVENTS: ReadonlySet<TicketEvent["type"]> = new Set([
  "TicketStatusChanged",
  "TicketPriorityChanged",
]);

/** True when a commit's events change the ticket's row in the queues it is in. */
export function changesQueueRow(events: readonly TicketEvent[]): boolean {
  return events.some((event) => ROW_EVENTS.has(event.type));
}

/** The queues a ticket in this place is counted in (none when closed or unknown). */
function placeAudiences(place: TicketAssignment | null): Audience[] {
  if (place === null || (place.status !== null && !QUEUED_STATUSES.includes(place.status))) {
    return [];
  }
  const { assigneeId, groupId } = place;
  const audiences: Audience[] = [];
  if (groupId !== null) {
    if (RECIPIENT_TOKEN.test(groupId)) audiences.push({ queue: { groupId } });
  } else if (assigneeId === null) audiences.push({ queue: { groupId: null } });
  if (assigneeId !== null && RECIPIENT_TOKEN.test(assigneeId)) {
    audiences.push({ agentId: assigneeId });
  }
  return audiences;
}
