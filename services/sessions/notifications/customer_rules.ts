/**
 * What a ticket's requester is told: a public reply by someone else (support) and a status
 * change they did not make, on their own ticket only. Internal notes never: the rule looks at
 * `internal` before anything else. Pure: the requester comes from the folded assignment.
 * @module
 */
import type { TicketCommit, TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { type Notification, notificationId, RECIPIENT_TOKEN } from "./notification.ts";
import type { TicketAssignment } from "./notification_rules.ts";

/** The requester's notification of the event at `index` of `commit`, or null. */
export function customerNotification(
  commit: TicketCommit,
  seq: number,
  index: number,
  event: TicketEvent,
  assignment: TicketAssignment | null,
): Notification | null {
  const customerId = assignment?.requesterId ?? null;
  if (customerId === null || !RECIPIENT_TOKEN.test(customerId)) return null;
  const data = customerData(commit, event, customerId);
  if (!data) return null;
  const { meta } = commit;
  const to = { customerId };
  return {
    id: notificationId(`tickets:${seq}:${index}`, to),
    ...to,
    tenant: meta.tenant,
    ticketId: meta.ticketId,
    at: meta.at,
    sourceSeq: seq,
    ...data,
  };
}

function customerData(
  commit: TicketCommit,
  event: TicketEvent,
  customerId: string,
): Pick<Notification, "kind" | "data"> | null {
  if (event.type === "MessagePosted") {
    if (event.data.internal || event.data.authorId === customerId) return null;
    return { kind: "reply", data: { messageId: event.data.messageId } };
  }
  if (event.type === "TicketStatusChanged" && commit.meta.actorId !== customerId) {
    return { kind: "status", data: { status: event.data.to } };
  }
  return null;
}
