/**
 * External ids (an importer's source id, later an e-mail's Message-ID) claimed once per tenant,
 * forever: a second create with the same external id finds the first ticket instead of making a
 * new one, however long after. Backed by create-if-absent on a NATS KV bucket.
 * @module
 */
import type { KV } from "@nats-io/kv";
import { createHash } from "node:crypto";
import { isNatsUnavailable } from "@ticketd/shared/runtime/nats_unavailable.ts";

export interface ExternalRefs {
  /** Claims `externalId` for `ticketId`; returns the ticket that holds the claim (maybe older). */
  claim(tenant: string, externalId: string, ticketId: string): Promise<string>;
}

/** KV keys must be subject tokens, so the external id is hashed. */
function refKey(tenant: string, externalId: string): string {
  return `${tenant}.${createHash("sha256").update(externalId).digest("hex").slice(0, 40)}`;
}

/** {@link ExternalRefs} on a KV bucket. */
export class KvExternalRefs implements ExternalRefs {
  constructor(private readonly kv: KV) {}

  async claim(tenant: string, externalId: string, ticketId: string): Promise<string> {
    const key = refKey(tenant, externalId);
    const created = await this.kv.create(key, ticketId).then(() => true, (error) => {
      if (isNatsUnavailable(error)) throw error; // not "taken": the claim may not have landed
      return false;
    });
    if (created) return ticketId;
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== "PUT") throw new Error(`External ref ${key} vanished`);
    return entry.string();
  }
}

/** In-process refs for pure tests. */
export class MemoryExternalRefs implements ExternalRefs {
  readonly #refs = new Map<string, string>();
  claim(tenant: string, externalId: string, ticketId: string): Promise<string> {
    const key = refKey(tenant, externalId);
    if (!this.#refs.has(key)) this.#refs.set(key, ticketId);
    return Promise.resolve(this.#refs.get(key)!);
  }
}
