/**
 * Rebuilding the reports from scratch: empty the tables, forget the positions, drop the durable
 * consumers. The next start of the projection folds both streams again from their first message.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";
import { resetReports } from "../store/report_writer.ts";
import { REPORT_DURABLES } from "./feeds.ts";
import { ROUTING_STREAM } from "@ticketd/shared/events/routing.ts";

/** Resets the reports so that they are folded again from `ticketStream` and ROUTING. */
export async function rebuildReports(
  sql: Sql,
  jsm: JetStreamManager,
  ticketStream: string,
): Promise<void> {
  await resetReports(sql);
  await nullIfMissing(jsm.consumers.delete(ticketStream, REPORT_DURABLES.tickets));
  await nullIfMissing(jsm.consumers.delete(ROUTING_STREAM, REPORT_DURABLES.routing));
}
