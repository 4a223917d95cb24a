/**
 * Collision presence (issue 11), the pure part: who views or types on a ticket (ephemeral
 * signals with an expiry) and the short "working on it" claim; their subjects, KV keys and
 * shapes, and the claim rule. No I/O, no clock: `now` is passed in.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

/** The named limits of collision presence (`TICKETD_SESSIONS_*`, read in config.ts). */
export interface CollisionSettings {
  /** A claim lasts this long from its last take or renewal (the claims bucket's max age). */
  claimMs: number;
  /** A viewer not renewed for this long is gone (the viewers bucket's max age). */
  viewerMs: number;
  /** "is typing" lasts this long after the last keystroke signal. */
  typingMs: number;
}

export const DEFAULT_COLLISION_SETTINGS: Readonly<CollisionSettings> = {
  claimMs: 120_000,
  viewerMs: 60_000,
  typingMs: 6_000,
};

export type SignalState = "viewing" | "typing" | "left";

/** One agent's presence on a ticket, as the other viewers are told it. */
export interface Signal {
  agentId: string;
  state: SignalState;
  /** ISO 8601 UTC: when it stops holding unless renewed. */
  expiresAt: string;
}

/** The "working on it" claim of a ticket. */
export interface Claim {
  agentId: string;
  /** ISO 8601 UTC. */
  until: string;
}

/** A presence id (tenant, agent) usable as one subject token and KV key part. */
export const PRESENCE_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** `sessions.collision.<tenant>.<ticketId>`: the signals and claims of one ticket (core NATS). */
export function collisionSubject(tenant: string, ticketId: string): string {
  return `sessions.collision.${tenant}.${ticketId}`;
}

/** The viewers bucket's key of one agent on one ticket. */
export function viewerKey(tenant: string, ticketId: string, agentId: string): string {
  return `${tenant}.${ticketId}.${agentId}`;
}

/** The claims bucket's key of one ticket. */
export function claimKey(tenant: string, ticketId: string): string {
  return `${tenant}.${ticketId}`;
}

/** What taking the claim does: create it, renew or take over (at `revision`), or nothing. */
export type ClaimVerdict =
  | { action: "create"; claim: Claim }
  | { action: "update"; claim: Claim; revision: number };

/**
 * The claim `agentId` gets at `now`, given the stored one: theirs again (renewed), or a fresh
 * one when none is held or it has expired; refused 409 `claimed` while another agent holds it.
 */
export function takeClaim(
  stored: { claim: Claim; revision: number } | null,
  agentId: string,
  now: number,
  claimMs: number,
): ClaimVerdict {
  const claim = { agentId, until: new Date(now + claimMs).toISOString() };
  if (stored === null) return { action: "create", claim };
  if (stored.claim.agentId !== agentId && Date.parse(stored.claim.until) > now) {
    refuseClaim(stored.claim);
  }
  return { action: "update", claim, revision: stored.revision };
}

/** True when the stored claim is held (not expired) by someone, at `now`. */
export function heldClaim(claim: Claim | null, now: number): Claim | null {
  return claim !== null && Date.parse(claim.until) > now ? claim : null;
}

/** The 409 `claimed` refusal naming who holds the claim and until when. */
export function refuseClaim(claim: Claim): never {
  fail("claimed", `Agent "${claim.agentId}" is working on this ticket`, 409, {
    heldBy: claim.agentId,
    until: claim.until,
  });
}
