/**
 * One socket's collision presence: the one ticket it views (watching another leaves the first),
 * its viewer entry renewed every third of the viewer expiry while it stays, typing signals (at
 * most one per second is passed on), and what the ticket's other viewers and its claim do, sent
 * back as `collision` frames. On leave or close the entry is deleted and the others are told.
 * @module
 */
import type { Subscription } from "@nats-io/nats-core";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { Claim, Signal, SignalState } from "./collision.ts";
import { collisionSubject, viewerKey } from "./collision.ts";
import type { CollisionDesk } from "./collision_desk.ts";

/** What a socket is sent: a first snapshot (viewers and claim), then each change. */
export interface CollisionFrame {
  type: "collision";
  ticketId: string;
  viewers?: Signal[];
  signal?: Signal;
  claim?: Claim | null;
}

const TYPING_EVERY_MS = 1_000;

export class TicketWatch {
  #ticketId: string | null = null;
  #subscription: Subscription | null = null;
  #renewal: ReturnType<typeof setInterval> | undefined;
  #lastTyping = 0;

  constructor(
    private readonly desk: CollisionDesk,
    private readonly principal: Principal,
    private readonly send: (frame: CollisionFrame) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts viewing `ticketId` (after the access check), with a snapshot of who is there. */
  async watch(ticketId: string): Promise<void> {
    await this.desk.admit(this.principal, ticketId);
    if (this.#ticketId === ticketId) return;
    await this.leave();
    this.#ticketId = ticketId;
    const { tenant } = this.principal;
    // Subscribed before the snapshot is read, so no signal falls between the two; held until the
    // snapshot is sent, so the socket always gets the snapshot first (docs/sessions-notifications.md).
    let held: Uint8Array[] | null = [];
    const subscription = this.desk.nc.subscribe(collisionSubject(tenant, ticketId), {
      callback: (error, msg) => {
        if (error) return;
        if (held) held.push(msg.data);
        else this.#forward(ticketId, msg.data);
      },
    });
    this.#subscription = subscription;
    await this.#announce("viewing");
    if (this.#subscription !== subscription) return; // left (or moved on) meanwhile
    const viewerMs = this.desk.options.settings.viewerMs;
    this.#renewal = setInterval(() => void this.#announce("viewing"), viewerMs / 3);
    const snapshot = await this.#snapshot(ticketId);
    if (this.#subscription !== subscription) return; // left (or moved on) meanwhile
    this.send({ type: "collision", ticketId, ...snapshot });
    const early = held;
    held = null;
    for (const data of early) this.#forward(ticketId, data);
  }

  /** Tells the other viewers this agent is typing (on the ticket it views). */
  typing(ticketId: string): void {
    const at = this.now();
    if (this.#ticketId !== ticketId || at - this.#lastTyping < TYPING_EVERY_MS) return;
    this.#lastTyping = at;
    this.#publish(ticketId, "typing", this.desk.options.settings.typingMs);
  }

  /** Stops viewing (the ticket named, or whichever it views). */
  async leave(ticketId?: string): Promise<void> {
    const viewed = this.#ticketId;
    if (viewed === null || (ticketId !== undefined && ticketId !== viewed)) return;
    this.#ticketId = null;
    clearInterval(this.#renewal);
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    const { tenant, id } = this.principal;
    await this.desk.viewers.delete(viewerKey(tenant, viewed, id)).catch(() => {});
    this.#publish(viewed, "left", 0);
  }

  async #announce(state: SignalState): Promise<void> {
    const ticketId = this.#ticketId;
    if (ticketId === null) return;
    const { tenant, id } = this.principal;
    await this.desk.viewers.put(viewerKey(tenant, ticketId, id), state).catch(() => {});
    this.#publish(ticketId, state, this.desk.options.settings.viewerMs);
  }

  #publish(ticketId: string, state: SignalState, forMs: number): void {
    const signal: Signal = {
      agentId: this.principal.id,
      state,
      expiresAt: new Date(this.now() + forMs).toISOString(),
    };
    this.desk.nc.publish(
      collisionSubject(this.principal.tenant, ticketId),
      JSON.stringify({
        signal,
      }),
    );
  }

  /** Who views the ticket now (from the bucket) and its claim. */
  async #snapshot(ticketId: string): Promise<{ viewers: Signal[]; claim: Claim | null }> {
    const { tenant } = this.principal;
    const viewerMs = this.desk.options.settings.viewerMs;
    const viewers: Signal[] = [];
    for await (const key of await this.desk.viewers.keys(viewerKey(tenant, ticketId, "*"))) {
      const entry = await this.desk.viewers.get(key);
      if (!entry || entry.operation !== "PUT") continue;
      const expiresAt = new Date(entry.created.getTime() + viewerMs).toISOString();
      viewers.push({ agentId: key.split(".")[2], state: "viewing", expiresAt });
    }
    return { viewers, claim: await this.desk.claims.current(tenant, ticketId) };
  }

  #forward(ticketId: string, data: Uint8Array): void {
    let body: { signal?: Signal; claim?: Claim | null };
    try {
      body = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return;
    }
    if (body.signal) this.send({ type: "collision", ticketId, signal: body.signal });
    else if (body.claim !== undefined) {
      this.send({ type: "collision", ticketId, claim: body.claim });
    }
  }
}
