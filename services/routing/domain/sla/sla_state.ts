/**
 * What the SLA clocks of one ticket depend on, folded from its status, priority and first-reply
 * changes (and from routing's own issued alarms), so the clocks can be rebuilt from the streams.
 * @module
 */
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import type { RoutingTicket } from "../routing_ticket.ts";

/** The ticket as it stands after a change, with the change's time (ISO 8601 UTC). */
export interface SlaChange {
  at: string;
  status: TicketStatus;
  priority: Priority;
  firstResponseAt: string | null;
}

export interface SlaState {
  createdAt: number;
  priority: Priority;
  status: TicketStatus;
  firstResponseAt: number | null;
  /** Finished stretches in which the resolution clock ran, flattened [start, end, …]. */
  runs: readonly number[];
  /** Start of the stretch running now; null while paused (pending, on_hold) or stopped. */
  runningSince: number | null;
  /** When the ticket last entered solved; null while it is not solved or closed. */
  solvedAt: number | null;
  /** Latest change seen: a change stamped earlier (clock skew) is taken as happening now. */
  lastAt: number;
  /** Alarms already issued, as `alarmKey` strings, so a rebuild does not issue them twice. */
  issued: readonly string[];
}

/** The resolution clock runs in these statuses only; pending and on_hold pause it. */
export function resolutionRuns(status: TicketStatus): boolean {
  return status === "new" || status === "open";
}

/** Folds one change into the state; the first change (state undefined) is the ticket's creation. */
export function evolveSla(state: SlaState | undefined, change: SlaChange): SlaState {
  const stamped = Date.parse(change.at);
  const firstResponseAt = change.firstResponseAt === null
    ? null
    : Date.parse(change.firstResponseAt);
  if (!state) {
    return {
      createdAt: stamped,
      priority: change.priority,
      status: change.status,
      firstResponseAt,
      runs: [],
      runningSince: resolutionRuns(change.status) ? stamped : null,
      solvedAt: change.status === "solved" ? stamped : null,
      lastAt: stamped,
      issued: [],
    };
  }
  const at = Math.max(stamped, state.lastAt);
  const wasRunning = state.runningSince !== null;
  const runs = wasRunning && !resolutionRuns(change.status)
    ? [...state.runs, state.runningSince!, at]
    : state.runs;
  const runningSince = resolutionRuns(change.status) ? (state.runningSince ?? at) : null;
  const done = change.status === "solved" || change.status === "closed";
  return {
    ...state,
    priority: change.priority,
    status: change.status,
    firstResponseAt: state.firstResponseAt ?? firstResponseAt,
    runs,
    runningSince,
    solvedAt: done ? (state.solvedAt ?? at) : null,
    lastAt: at,
  };
}

/** Remembers that an alarm was issued (from a `SlaWarningIssued` or `SlaBreached` event). */
export function recordIssued(state: SlaState, key: string): SlaState {
  return state.issued.includes(key) ? state : { ...state, issued: [...state.issued, key] };
}

/**
 * A state from the ticket alone, for when no status history is at hand: it assumes the ticket
 * ran from creation until its last update and has been in its current status since.
 */
export function slaStateFromTicket(ticket: RoutingTicket): SlaState {
  const created = evolveSla(undefined, {
    at: ticket.createdAt,
    status: "new",
    priority: ticket.priority,
    firstResponseAt: null,
  });
  if (ticket.status === "new") return evolveSla(created, { ...ticket, at: ticket.createdAt });
  return evolveSla(created, { ...ticket, at: ticket.solvedAt ?? ticket.updatedAt });
}
