/**
 * The status machine. `closed` is final; `solved` may be reopened; everything else moves freely
 * between the working states.
 * @module
 */
import type { TicketStatus } from "@ticketd/shared/events/tickets.ts";

export const allowedTransitions: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ["open", "pending", "on_hold", "solved"],
  open: ["pending", "on_hold", "solved"],
  pending: ["open", "on_hold", "solved"],
  on_hold: ["open", "pending", "solved"],
  solved: ["open", "closed"],
  closed: [],
};

/** True when a ticket may move from `from` to `to`. */
export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return allowedTransitions[from].includes(to);
}
