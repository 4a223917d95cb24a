/**
 * The two feeds of the reports: every ticket commit of TICKETS and routing's SLA alarms of
 * ROUTING, decoded into fold steps, written one batch at a time.
 * @module
 */
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { decodeRoutingEvent, ROUTING_STREAM } from "@ticketd/shared/events/routing.ts";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { foldRoutingEvent, foldTicketCommit } from "../domain/report_ticket.ts";
import type { FoldInput } from "../store/report_writer.ts";
import type { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";
import { sourceFeed } from "./source_feed.ts";

export interface ReportFeedsDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  sql: Sql;
  ticketStream: string;
  batchSize: number;
  log: Logger;
}

/** The durable consumer names: `reports-tickets`, `reports-routing`. */
export const REPORT_DURABLES = { tickets: "reports-tickets", routing: "reports-routing" };

export function reportFeeds(deps: ReportFeedsDeps): StreamFeed[] {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const common = { ...deps, serial };
  return [
    sourceFeed({
      ...common,
      stream: deps.ticketStream,
      durable: REPORT_DURABLES.tickets,
      decode: ticketInput,
    }),
    sourceFeed({
      ...common,
      stream: ROUTING_STREAM,
      durable: REPORT_DURABLES.routing,
      decode: routingInput,
    }),
  ];
}

function ticketInput(msg: JsMsg): FoldInput {
  const commit = decodeCommit(msg.data);
  return {
    seq: msg.seq,
    tenant: commit.meta.tenant,
    ticketId: commit.meta.ticketId,
    fold: (state, tally) => foldTicketCommit(state, commit, tally),
  };
}

function routingInput(msg: JsMsg): FoldInput {
  const event = decodeRoutingEvent(msg.data);
  return {
    seq: msg.seq,
    tenant: event.data.tenant,
    ticketId: event.data.ticketId,
    fold: (state, tally) => foldRoutingEvent(state, event, tally),
  };
}
