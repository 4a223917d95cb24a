/**
 * The customer's Message-IDs per ticket, in KV bucket `email-customer-ids` (key
 * `<tenant>.<ticket id>`): the inbound side records each mail that became the ticket or a reply
 * on it, so our replies answer the customer's latest mail and refer back to their first one.
 * Ticket events do not carry Message-IDs; these ids are mail metadata, not ticket text.
 * @module
 */
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";

export const CUSTOMER_IDS_BUCKET = "email-customer-ids";
/** Ids kept per ticket: the first, and the latest up to this many in all. */
const KEPT = 10;
const CAS_ATTEMPTS = 10;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class CustomerMailIds {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<CustomerMailIds> {
    return new CustomerMailIds(await new Kvm(nc).create(CUSTOMER_IDS_BUCKET, { history: 1 }));
  }

  /** The ticket's customer Message-IDs, oldest first. */
  async list(tenant: string, ticketId: string): Promise<string[]> {
    return (await this.#read(tenant, ticketId))?.ids ?? [];
  }

  /** Adds `messageId` (with its angle brackets) once; safe to call again for the same mail. */
  async add(tenant: string, ticketId: string, messageId: string): Promise<void> {
    const key = `${tenant}.${ticketId}`;
    for (let attempt = 1;; attempt++) {
      const found = await this.#read(tenant, ticketId);
      const ids = found?.ids ?? [];
      if (ids.includes(messageId)) return;
      const next = [...ids, messageId];
      const kept = next.length > KEPT ? [next[0], ...next.slice(next.length - KEPT + 1)] : next;
      const value = encoder.encode(JSON.stringify(kept));
      const written =
        await (found ? this.kv.update(key, value, found.revision) : this.kv.create(key, value))
          .then(() => true, () => false);
      if (written) return;
      if (attempt >= CAS_ATTEMPTS) throw new Error(`Cannot record a Message-ID on ${key}`);
    }
  }

  async #read(tenant: string, ticketId: string) {
    const entry = await this.kv.get(`${tenant}.${ticketId}`);
    if (!entry || entry.operation !== "PUT") return null;
    return { ids: JSON.parse(decoder.decode(entry.value)) as string[], revision: entry.revision };
  }
}
