/**
 * The fold of the reports: what each ticket commit and SLA alarm adds to the aggregates, and the
 * little the fold keeps per ticket (no text). Pure: time comes from the commit, never the clock.
 *
 * - created: the creation's slot, under the ticket's agent and group then;
 * - backlog: +1 when a ticket becomes open (new, open, pending, on_hold), -1 when it is solved or
 *   closed, and moved from the old dims to the new on an assignment while open;
 * - solved / reopened: each move into solved, each move out of solved or closed into an open one;
 * - first response: the first public reply by staff, counted under the replier and the group;
 * - resolution: created to the first solve, under the assignee and group then;
 * - time tracked: each `TimeLogged` entry under its agent (a correction is negative);
 * - CSAT: each rating, under the ticket's agent and group when it was given;
 * - SLA: a target is counted once, where it ended (first response, first solve): breached when
 *   routing raised `SlaBreached` for it (before or after: the streams are folded apart, and a
 *   late breach moves the count from attained to breached), else attained. Targets not ended yet
 *   are not counted.
 * @module
 */
import type { RoutingEvent, SlaTargetName } from "@ticketd/shared/events/routing.ts";
import type { TicketCommit, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { type SlotKey, slotOf } from "./slots.ts";
import type { Tally } from "./tally.ts";

/** Where a target ended, so a late breach can move its count. */
export interface TargetEnd {
  slot: number;
  agentId: string;
  groupId: string;
  /** True when counted as breached. */
  breached: boolean;
}

export interface ReportTicket {
  /** False while only SLA alarms were seen (the ROUTING stream ran ahead of TICKETS). */
  known: boolean;
  createdAt: number;
  open: boolean;
  agentId: string;
  groupId: string;
  firstResponded: boolean;
  solvedOnce: boolean;
  breached: SlaTargetName[];
  /** Keyed in camel case: the state is stored as JSON, read back through `postgres.camel`. */
  ended: { firstResponse?: TargetEnd; resolution?: TargetEnd };
}

const ENDED_KEY = { first_response: "firstResponse", resolution: "resolution" } as const;

const OPEN: readonly TicketStatus[] = ["new", "open", "pending", "on_hold"];
const STAFF = new Set(["agent", "supervisor", "admin"]);
/** A rating of 4 or 5 of 5 counts as good (the CSAT share). */
const GOOD_RATING = 4;

/** A ticket the fold has not seen. */
export function unknownTicket(): ReportTicket {
  return {
    known: false,
    createdAt: 0,
    open: false,
    agentId: "",
    groupId: "",
    firstResponded: false,
    solvedOnce: false,
    breached: [],
    ended: {},
  };
}

/** Folds one commit of `tenant`'s ticket into `tally`; returns the ticket's new state. */
export function foldTicketCommit(
  state: ReportTicket,
  commit: TicketCommit,
  tally: Tally,
): ReportTicket {
  const at = Date.parse(commit.meta.at);
  let next = state;
  const key = (ticket: ReportTicket, agentId = ticket.agentId): SlotKey => ({
    tenant: commit.meta.tenant,
    slot: slotOf(at),
    agentId,
    groupId: ticket.groupId,
  });
  for (const event of commit.events) {
    switch (event.type) {
      case "TicketCreated": {
        const { assigneeId, groupId, status } = event.data;
        next = {
          ...next,
          known: true,
          createdAt: at,
          agentId: assigneeId ?? "",
          groupId: groupId ?? "",
          open: OPEN.includes(status),
        };
        tally.add(key(next), "created");
        if (next.open) tally.add(key(next), "backlogDelta");
        break;
      }
      case "TicketStatusChanged":
        next = changeStatus(next, event.data.from, event.data.to, at, key(next), tally);
        break;
      case "TicketAssigned": {
        const moved = {
          ...next,
          agentId: event.data.assigneeId ?? "",
          groupId: event.data.groupId ?? "",
        };
        if (next.open) {
          tally.add(key(next), "backlogDelta", -1);
          tally.add(key(moved), "backlogDelta");
        }
        next = moved;
        break;
      }
      case "MessagePosted": {
        const { internal, authorRole, authorId } = event.data;
        const staff = STAFF.has(authorRole) && !authorId.startsWith("svc:");
        if (!next.known || next.firstResponded || internal || !staff) break;
        next = { ...next, firstResponded: true };
        tally.duration(key(next, authorId), "first_response", (at - next.createdAt) / 1000);
        next = endTarget(next, "first_response", key(next, authorId), tally);
        break;
      }
      case "SatisfactionRated": {
        const { rating } = event.data;
        tally.add(key(next), "csatCount");
        tally.add(key(next), "csatSum", rating);
        if (rating >= GOOD_RATING) tally.add(key(next), "csatGood");
        break;
      }
      case "TimeLogged":
        // Under the agent who worked; a correction is negative and subtracts.
        tally.add(key(next, event.data.agentId), "timeTrackedSeconds", event.data.seconds);
        break;
      default:
        // Tags, priority, fields, attachments, erasure, merges and links: not in the reports
        // (a merge closes its source by a status change, which the backlog follows).
        break;
    }
  }
  return next;
}

function changeStatus(
  state: ReportTicket,
  from: TicketStatus,
  to: TicketStatus,
  at: number,
  key: SlotKey,
  tally: Tally,
): ReportTicket {
  let next = state;
  const open = OPEN.includes(to);
  if (open !== state.open) tally.add(key, "backlogDelta", open ? 1 : -1);
  if (open && !OPEN.includes(from)) tally.add(key, "reopened");
  next = { ...next, open };
  if (to !== "solved" || from === "solved") return next;
  tally.add(key, "solved");
  if (next.solvedOnce || !next.known) return next;
  next = { ...next, solvedOnce: true };
  tally.duration(key, "resolution", (at - next.createdAt) / 1000);
  return endTarget(next, "resolution", key, tally);
}

function endTarget(
  state: ReportTicket,
  target: SlaTargetName,
  key: SlotKey,
  tally: Tally,
): ReportTicket {
  const breached = state.breached.includes(target);
  tally.add(key, breached ? "slaBreached" : "slaAttained");
  const end = { slot: key.slot, agentId: key.agentId, groupId: key.groupId, breached };
  return { ...state, ended: { ...state.ended, [ENDED_KEY[target]]: end } };
}

/** Folds an SLA alarm of routing; only a breach changes anything. */
export function foldRoutingEvent(
  state: ReportTicket,
  event: RoutingEvent,
  tally: Tally,
): ReportTicket {
  const { target, tenant } = event.data;
  if (event.type !== "SlaBreached" || state.breached.includes(target)) return state;
  const next = { ...state, breached: [...state.breached, target] };
  const end = state.ended[ENDED_KEY[target]];
  if (!end || end.breached) return next;
  const key = { tenant, slot: end.slot, agentId: end.agentId, groupId: end.groupId };
  tally.add(key, "slaAttained", -1);
  tally.add(key, "slaBreached");
  return { ...next, ended: { ...next.ended, [ENDED_KEY[target]]: { ...end, breached: true } } };
}
