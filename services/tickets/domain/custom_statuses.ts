/**
 * A tenant's custom statuses: names of its own ("Waiting on vendor"), each within one built-in
 * category, which is all that SLA, routing, reports and the transition table ever read.
 * @module
 */
import type { TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";

/** The display names of a status, by language; English is required. */
export interface StatusNames {
  en: string;
  zh?: string;
}

export interface CustomStatus {
  id: string;
  category: TicketStatus;
  names: StatusNames;
  /** A retired status cannot be chosen any more; tickets holding it keep it until they move. */
  retired: boolean;
}

/** What a status change asks for: a built-in category, a custom status, or both. */
export interface StatusRequest {
  status?: TicketStatus;
  customStatusId?: string;
}

/**
 * The category and custom status a change moves to. `found` is the catalogue entry named by
 * `request.customStatusId` (null when the catalogue has none by that id).
 */
export function resolveStatus(
  request: StatusRequest,
  found: CustomStatus | null,
): { to: TicketStatus; customStatusId: string | null } {
  if (request.customStatusId === undefined) {
    if (request.status === undefined) {
      fail("invalid_request", "Name a status or a customStatusId", 422);
    }
    return { to: request.status, customStatusId: null };
  }
  const id = request.customStatusId;
  if (!found) {
    fail("unknown_custom_status", `No custom status "${id}"`, 422, { customStatusId: id });
  }
  if (found.retired) {
    fail("custom_status_retired", `Custom status "${id}" is retired`, 422, { customStatusId: id });
  }
  if (request.status !== undefined && request.status !== found.category) {
    fail(
      "custom_status_mismatch",
      `Custom status "${id}" is ${found.category}, not ${request.status}`,
      422,
      { customStatusId: id, category: found.category },
    );
  }
  return { to: found.category, customStatusId: id };
}

/** Refuses a new status once the tenant has `max` (retired ones count: their ids stay taken). */
export function checkCatalogueRoom(current: number, max: number): void {
  if (current >= max) {
    fail("too_many_custom_statuses", `A tenant may define at most ${max} custom statuses`, 422, {
      max,
    });
  }
}
