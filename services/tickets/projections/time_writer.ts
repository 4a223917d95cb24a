/**
 * Writes the time entries of a batch inside the projector's transaction (`ticket_writer.ts`);
 * a redelivered entry is skipped by its key.
 * @module
 */
import type { TransactionSql } from "postgres";
import type { ProjectedEvent } from "./ticket_rows.ts";
import { timeEntryOf, type TimeEntryRow } from "./time_rows.ts";

/** Inserts the entries among `events` (already filtered to those after the position). */
export async function writeTimeEntries(tx: TransactionSql, events: ProjectedEvent[]) {
  const rows = events.map(timeEntryOf).filter((row): row is TimeEntryRow => row !== null);
  if (rows.length === 0) return;
  await tx`insert into ticket_time_entries ${tx(rows)} on conflict do nothing`;
}
