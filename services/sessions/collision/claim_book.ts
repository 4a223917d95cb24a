/**
 * The "working on it" claims in KV bucket `ticket-claims` (one key `<tenant>.<ticketId>`, the
 * bucket's max age = the claim's length, so an abandoned claim disappears on its own); each
 * change is told to the ticket's viewers on its collision subject. Compare-and-set on the
 * entry's revision: of two agents taking a free claim at once, one gets 409 `claimed`.
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { z } from "zod";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import {
  type Claim,
  claimKey,
  collisionSubject,
  heldClaim,
  refuseClaim,
  takeClaim,
} from "./collision.ts";

export const CLAIMS_BUCKET = "ticket-claims";

const claimSchema = z.object({ agentId: z.string(), until: z.iso.datetime() });

/** Takes, renews, releases and reads claims; tells viewers of every change. */
export class ClaimBook {
  constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly claimMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The claim held on the ticket now, or null. */
  async current(tenant: string, ticketId: string): Promise<Claim | null> {
    return heldClaim((await this.#stored(tenant, ticketId))?.claim ?? null, this.now());
  }

  /** Takes or renews the claim for `agentId`; 409 `claimed` while another agent holds it. */
  async take(tenant: string, ticketId: string, agentId: string): Promise<Claim> {
    const stored = await this.#stored(tenant, ticketId);
    const verdict = takeClaim(stored, agentId, this.now(), this.claimMs);
    const key = claimKey(tenant, ticketId);
    const value = JSON.stringify(verdict.claim);
    try {
      if (verdict.action === "create") await this.kv.create(key, value);
      else await this.kv.update(key, value, verdict.revision);
    } catch {
      // Written by someone else since we read it: theirs, unless it was our own renewal.
      const now = await this.current(tenant, ticketId);
      if (now && now.agentId !== agentId) refuseClaim(now);
      throw new Error("the claim changed while it was taken; try again");
    }
    this.#tell(tenant, ticketId, verdict.claim);
    return verdict.claim;
  }

  /** Lets go of the claim when `agentId` holds it (null: whoever holds it); true if one was. */
  async release(tenant: string, ticketId: string, agentId: string | null): Promise<boolean> {
    const stored = await this.#stored(tenant, ticketId);
    const held = heldClaim(stored?.claim ?? null, this.now());
    if (!stored || !held) return false;
    if (agentId !== null && held.agentId !== agentId) refuseClaim(held);
    await this.kv.delete(claimKey(tenant, ticketId), { previousSeq: stored.revision }).catch(
      (error) => this.log.warn("claim release lost a race", { error: String(error) }),
    );
    this.#tell(tenant, ticketId, null);
    return true;
  }

  async #stored(tenant: string, ticketId: string) {
    const entry = await this.kv.get(claimKey(tenant, ticketId));
    if (!entry || entry.operation !== "PUT") return null;
    const parsed = claimSchema.safeParse(entry.json());
    return parsed.success ? { claim: parsed.data, revision: entry.revision } : null;
  }

  #tell(tenant: string, ticketId: string, claim: Claim | null): void {
    this.nc.publish(collisionSubject(tenant, ticketId), JSON.stringify({ claim }));
  }
}
