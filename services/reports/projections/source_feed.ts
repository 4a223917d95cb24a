/**
 * One source stream folded into the reports: a {@link StreamFeed} whose position is stored with
 * the rows, each batch folded and written in one transaction. Feeds of one process write one at a
 * time (`serial`): both touch the same tickets' fold state.
 * @module
 */
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";
import { unknownTicket } from "../domain/report_ticket.ts";
import { Tally } from "../domain/tally.ts";
import { type FoldInput, storedPosition, writeBatch } from "../store/report_writer.ts";

export interface SourceFeedDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  sql: Sql;
  stream: string;
  /** The durable consumer's name, e.g. `reports-tickets`. */
  durable: string;
  batchSize: number;
  decode: (msg: JsMsg) => FoldInput;
  /** Runs writes of all feeds one after another. */
  serial: <T>(work: () => Promise<T>) => Promise<T>;
  log: Logger;
}

/** The feed of `deps.stream` into the reports. */
export function sourceFeed(deps: SourceFeedDeps): StreamFeed {
  const { sql, stream, serial, decode } = deps;
  return new StreamFeed({
    ...deps,
    failureMessage: "reports batch failed; retrying",
    load: () => storedPosition(sql, stream),
    commit: (fresh) => {
      const inputs = fresh.map(decode);
      return serial(() => writeBatch(sql, stream, inputs, () => new Tally(), unknownTicket));
    },
  });
}
