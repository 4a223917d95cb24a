/**
 * Ticket numbers (`[#1042]` in a subject, `support+1042@` as an address) to ticket ids, read
 * from the ticket stream: an ordered consumer from the first commit folds every `TicketCreated`
 * into a map held in memory (a number is about 40 bytes; a million tickets, some 40 MB). Nothing
 * is stored, so there is nothing to migrate or rebuild.
 * @module
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";

export interface TicketNumberIndex {
  /** The ticket with `number`, once the index has read what the stream held when asked. */
  lookup(tenant: string, number: number): Promise<string | null>;
  /** The last stream sequence folded (its lag in `/metrics`). */
  readonly position: number;
  stop(): Promise<void>;
}

/** Follows `stream` and answers numbers from it. */
export async function followTicketNumbers(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  log: Logger,
  /** A lookup waiting longer than this for the index to catch up fails (the mail comes again). */
  timeoutMs: number,
): Promise<TicketNumberIndex> {
  const ids = new Map<string, string>();
  let position = 0;
  const waiting: { upTo: number; resolve: () => void }[] = [];
  const release = () => {
    for (const w of waiting.filter((w) => w.upTo <= position)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1024 });
  const done = (async () => {
    for await (const msg of messages) {
      try {
        const { meta, events } = decodeCommit(msg.data);
        for (const event of events) {
          if (event.type === "TicketCreated") {
            ids.set(`${meta.tenant}#${event.data.number}`, event.data.ticketId);
          }
        }
      } catch (error) {
        log.error("ticket numbers skipped an undecodable commit", {
          seq: msg.seq,
          error: String(error),
        });
      }
      position = msg.seq;
      release();
    }
  })();
  return {
    get position() {
      return position;
    },
    async lookup(tenant, number) {
      const head = (await jsm.streams.info(stream)).state.last_seq;
      if (head > position) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`ticket numbers are behind the stream (${position} < ${head})`)),
            timeoutMs,
          );
          waiting.push({ upTo: head, resolve });
          release();
        }).finally(() => clearTimeout(timer));
      }
      return ids.get(`${tenant}#${number}`) ?? null;
    },
    async stop() {
      messages.stop();
      await done;
      for (const w of waiting.splice(0)) w.resolve();
    },
  };
}
