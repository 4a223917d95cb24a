/**
 * The time entries read model: one row per `TimeLogged` event (corrections are negative rows),
 * the note still sealed. Totals are sums over these rows.
 * @module
 */
import type { ProjectedEvent } from "./ticket_rows.ts";

export interface TimeEntryRow {
  tenant: string;
  ticketId: string;
  id: string;
  agentId: string;
  seconds: number;
  noteSealed: string | null;
  createdAt: Date;
  version: string;
}

/** The entry `e` records, or null for every other event. */
export function timeEntryOf(e: ProjectedEvent): TimeEntryRow | null {
  if (e.event.type !== "TimeLogged") return null;
  const d = e.event.data;
  return {
    tenant: e.meta.tenant,
    ticketId: e.meta.ticketId,
    id: d.entryId,
    agentId: d.agentId,
    seconds: d.seconds,
    noteSealed: d.note,
    createdAt: new Date(e.meta.at),
    version: String(e.version),
  };
}
