/**
 * Rebuilding the read model from scratch: empty its tables, forget the position, drop the
 * durable consumer. The next projector start replays the whole stream into empty tables.
 * @module
 */
import { JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";

/** Resets projector `name` so that it replays `stream` from the first message. */
export async function resetReadModel(
  sql: Sql,
  jsm: JetStreamManager,
  stream: string,
  name: string,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`truncate tickets, ticket_messages, ticket_relations, search_profiles`;
    await tx`delete from projector_positions where name = ${name}`;
    await tx`truncate ticket_time_entries`;
  });
  await jsm.consumers.delete(stream, name).catch((error) => {
    if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error;
  });
}

/** The stream's last sequence: the position a caught-up projector reaches. */
export async function streamHead(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.last_seq;
}
