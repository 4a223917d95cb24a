/**
 * Time tracking: entries of seconds an agent worked on a ticket, immutable like every event. A
 * correction is a negative entry, and may take back no more than that agent logged on the ticket.
 * @module
 */
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Actor, LogTime } from "./commands.ts";
import type { ExistingTicket } from "./ticket.ts";

/** The `TimeLogged` event of `c` by `actor`, or a refusal. */
export function logTime(c: LogTime, ticket: ExistingTicket, actor: Actor): TicketEvent[] {
  if (!Number.isInteger(c.seconds) || c.seconds === 0) {
    fail("invalid_time", "Log a whole, non-zero number of seconds", 422);
  }
  const logged = ticket.timeByAgent?.[actor.id] ?? 0;
  if (logged + c.seconds < 0) {
    fail(
      "time_below_zero",
      `A correction may take back at most the ${logged} s you logged on ticket "${ticket.id}"`,
      422,
      { loggedSeconds: logged },
    );
  }
  return [{
    type: "TimeLogged",
    data: { entryId: c.entryId, agentId: actor.id, seconds: c.seconds, note: c.note },
  }];
}

/** Each agent's logged seconds after `event`. */
export function addTime(
  byAgent: Readonly<Record<string, number>> | undefined,
  event: Extract<TicketEvent, { type: "TimeLogged" }>,
): Readonly<Record<string, number>> {
  const { agentId, seconds } = event.data;
  return { ...byAgent, [agentId]: (byAgent?.[agentId] ?? 0) + seconds };
}
