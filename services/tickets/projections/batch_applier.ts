/**
 * One batch of deliveries into the read model: decrypted only to compute search tokens, written
 * in one transaction ({@link writeBatch}), then acknowledged (ack-all on the last, which the
 * projector only hands over when the batch follows its position without a hole).
 * @module
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { Stopping } from "@ticketd/shared/runtime/resilient_consumer.ts";
import { documentTokens, type TenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import type { SearchProfiles } from "./search_profiles.ts";
import type { ProjectedEvent } from "./ticket_rows.ts";
import { setAside, writeBatch } from "./ticket_writer.ts";
import { type Poison, poisonOf } from "./failure.ts";

export interface BatchApplierDeps {
  sql: Sql;
  envelope: Envelope;
  hashTokens: TenantTokenHasher;
  searchProfiles: SearchProfiles;
  name: string;
  maxTokens: number;
  log: Logger;
}

const MAX_BACK_OFF_MS = 30_000;

/** Applies batches; a failed write is retried with back-off, or set aside if it is the data's
 * fault (see `failure.ts`). `committed` hears each new position after its ack. */
export class BatchApplier {
  constructor(
    private readonly deps: BatchApplierDeps,
    private readonly committed: (position: number) => void,
  ) {}

  /**
   * Writes `batch`, retrying failures until `stopped` resolves (the batch is then abandoned and
   * will be redelivered). A failure that is the data's fault is narrowed down by halving the
   * batch, in order, until the one bad message is found and set aside.
   */
  async apply(batch: JsMsg[], stopped: Stopping): Promise<void> {
    for (let attempt = 1; !stopped.done; attempt++) {
      try {
        const events = await this.#project(batch);
        const { sql, name, maxTokens } = this.deps;
        const position = await writeBatch(sql, name, events, maxTokens);
        await this.deps.searchProfiles.record(events.map((e) => e.meta.tenant));
        return this.#commit(batch.at(-1)!, position);
      } catch (error) {
        const poison = poisonOf(error);
        if (poison && batch.length > 1) {
          const half = batch.length >> 1;
          await this.apply(batch.slice(0, half), stopped);
          return await this.apply(batch.slice(half), stopped);
        }
        if (poison) return await this.#setAside(batch[0], poison);
        await this.#backOff(batch, attempt, error, stopped.signal);
      }
    }
  }

  async #setAside(message: JsMsg, poison: Poison): Promise<void> {
    this.deps.log.error("event set aside: the read model cannot hold it", {
      projector: this.deps.name,
      seq: message.seq,
      code: poison.code,
    });
    await setAside(this.deps.sql, this.deps.name, message.seq, poison);
    this.#commit(message, message.seq);
  }

  #commit(last: JsMsg, position: number): void {
    last.ack(); // ack-all: everything up to `last`
    this.committed(position);
  }

  async #backOff(batch: JsMsg[], attempt: number, error: unknown, stopped: Promise<void>) {
    const delayMs = Math.min(MAX_BACK_OFF_MS, 100 * 2 ** attempt);
    this.deps.log.error("projection batch failed; retrying", {
      projector: this.deps.name,
      firstSeq: batch[0].seq,
      size: batch.length,
      attempt,
      delayMs,
      error: (error as Error)?.name,
      code: (error as { code?: string })?.code,
      message: String((error as Error)?.message).slice(0, 200),
    });
    await Promise.race([new Promise((resolve) => setTimeout(resolve, delayMs)), stopped]);
  }

  async #project(batch: JsMsg[]): Promise<ProjectedEvent[]> {
    const perMessage = await Promise.all(batch.map(async (msg) => {
      const { meta, events } = decodeCommit(msg.data);
      const scope = { tenant: meta.tenant, ticketId: meta.ticketId };
      return await Promise.all(events.map(async (event) => {
        const sealed = event.type === "TicketCreated"
          ? event.data.subject
          : event.type === "MessagePosted"
          ? event.data.body
          : null;
        // Erased text (its key destroyed) is not searchable any more, also after a rebuild.
        const text = sealed === null
          ? null
          : await this.deps.envelope.openUnlessErased(sealed, scope);
        const tokens = text === null ? [] : this.deps.hashTokens(meta.tenant, documentTokens(text));
        return { version: msg.seq, meta, event, tokens };
      }));
    }));
    return perMessage.flat();
  }
}
