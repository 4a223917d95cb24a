/**
 * The satisfaction survey (CSAT) on a ticket: its requester rates it once, after it was solved,
 * 1 (bad) to 5 (great), with an optional comment (sealed before the decider sees it). The first
 * answer stands: a second is refused, so the link is single use (docs/csat.md).
 * @module
 */
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Actor, RateSatisfaction } from "./commands.ts";
import type { ExistingTicket } from "./ticket.ts";

/** The `SatisfactionRated` event of `c`, or a refusal. */
export function rateSatisfaction(
  c: RateSatisfaction,
  ticket: ExistingTicket,
  actor: Actor,
): TicketEvent[] {
  if (actor.id !== ticket.requesterId) {
    fail("forbidden", "Only the ticket's requester answers its survey", 403, {
      action: "rate_satisfaction",
    });
  }
  if (!Number.isInteger(c.rating) || c.rating < 1 || c.rating > 5) {
    fail("invalid_rating", "A rating is a whole number from 1 to 5", 422);
  }
  if (ticket.satisfactionRated) {
    fail("survey_answered", `The survey of ticket "${ticket.id}" was answered already`, 409);
  }
  if (surveyClosedBecause(ticket) === "not_solved") {
    fail("survey_not_open", `Ticket "${ticket.id}" is not solved`, 409, {
      ticketStatus: ticket.status,
    });
  }
  return [{ type: "SatisfactionRated", data: { rating: c.rating, comment: c.comment } }];
}

/** Why the survey of `ticket` cannot be answered now (null: it can). A merged ticket was closed
 * by the merge, not solved: its requester is asked on the ticket it went into. A ticket closed
 * without being solved (an undone split) has no answer to rate. */
export function surveyClosedBecause(
  ticket: ExistingTicket,
): "answered" | "merged" | "not_solved" | null {
  if (ticket.satisfactionRated) return "answered";
  if (ticket.pairs?.mergedInto) return "merged";
  const settled = ticket.status === "solved" || ticket.status === "closed";
  if (!settled || !ticket.wasSolved) return "not_solved";
  return null;
}
