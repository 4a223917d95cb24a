/**
 * Short per-tenant ticket numbers for people to quote ("#1042"). Each process reserves a block of
 * numbers at a time with compare-and-set on a NATS KV counter, then hands them out locally, so
 * creation never waits on a shared counter. Numbers are unique per tenant; a restart leaves a gap.
 * @module
 */
import type { KV } from "@nats-io/kv";
import { isNatsUnavailable } from "@ticketd/shared/runtime/nats_unavailable.ts";

export interface TicketNumbers {
  next(tenant: string): Promise<number>;
}

interface Block {
  next: number;
  end: number;
}

/** {@link TicketNumbers} backed by a KV bucket holding each tenant's highest reserved number. */
export class KvTicketNumbers implements TicketNumbers {
  readonly #blocks = new Map<string, Block>();
  readonly #reserving = new Map<string, Promise<Block>>();

  constructor(private readonly kv: KV, private readonly blockSize: number) {}

  async next(tenant: string): Promise<number> {
    for (;;) {
      const block = this.#blocks.get(tenant);
      if (block && block.next <= block.end) return block.next++;
      await this.#reserve(tenant);
    }
  }

  #reserve(tenant: string): Promise<Block> {
    let pending = this.#reserving.get(tenant);
    if (!pending) {
      pending = this.#reserveBlock(tenant).then((block) => {
        this.#blocks.set(tenant, block);
        return block;
      }).finally(() => this.#reserving.delete(tenant));
      this.#reserving.set(tenant, pending);
    }
    return pending;
  }

  async #reserveBlock(tenant: string): Promise<Block> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const entry = await this.kv.get(tenant);
      const high = entry && entry.operation === "PUT" ? Number(entry.string()) : 0;
      const end = high + this.blockSize;
      const stored = await (entry
        ? this.kv.update(tenant, String(end), entry.revision)
        : this.kv.create(tenant, String(end))).catch(refusedAsNull);
      if (stored !== null) {
        return { next: high + 1, end };
      }
    }
    throw new Error(`Could not reserve ticket numbers for tenant "${tenant}": too much contention`);
  }
}

/** A refused compare-and-set is contention (null: read again); a NATS outage is thrown. */
function refusedAsNull(error: unknown): null {
  if (isNatsUnavailable(error)) throw error;
  return null;
}

/** In-process numbers for pure tests. */
export class MemoryTicketNumbers implements TicketNumbers {
  readonly #last = new Map<string, number>();
  next(tenant: string): Promise<number> {
    const n = (this.#last.get(tenant) ?? 0) + 1;
    this.#last.set(tenant, n);
    return Promise.resolve(n);
  }
}
