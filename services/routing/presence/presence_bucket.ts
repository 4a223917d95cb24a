/**
 * The KV bucket `agent-presence`: one key `<tenant>.<agentId>` per agent holding their last
 * heartbeat `{status, at}`, removed by the bucket's TTL when heartbeats stop. On nats-server 2.9
 * that removal leaves no delete marker, so watchers must work out expiry themselves.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import type { KV } from "@nats-io/kv";
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import { openTtlBucket } from "@ticketd/shared/runtime/ttl_bucket.ts";
import type { PresenceStatus } from "../domain/assignment.ts";

export const PRESENCE_BUCKET = "agent-presence";
/** How long a heartbeat keeps an agent present; the console sends one every third of it. */
export const DEFAULT_PRESENCE_TTL_MS = 30_000;
/** An agent id must be one KV key token and one subject token: no dots, no wildcards. */
const AGENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const PRESENCE_STATUSES = [
  "online",
  "away",
  "offline",
] as const satisfies readonly PresenceStatus[];

/** What a heartbeat stores. `at` is the writer's clock, ISO 8601 UTC. */
export const heartbeatValue = z.object({
  status: z.enum(PRESENCE_STATUSES),
  at: z.iso.datetime(),
});
export type HeartbeatValue = z.infer<typeof heartbeatValue>;

/** The key of an agent's heartbeat; refuses ids that cannot be a key token. */
export function presenceKey(tenant: string, agentId: string): string {
  if (!TENANT.test(tenant)) fail("invalid_tenant", `Tenant "${tenant}" is not a plain id`, 400);
  if (!AGENT_ID.test(agentId)) {
    fail("invalid_agent_id", `Agent id "${agentId.slice(0, 64)}" cannot be a presence key`, 400);
  }
  return `${tenant}.${agentId}`;
}

/** The tenant and agent of a key, or null for a key this service did not write. */
export function parsePresenceKey(key: string): { tenant: string; agentId: string } | null {
  const dot = key.indexOf(".");
  const tenant = key.slice(0, dot);
  const agentId = key.slice(dot + 1);
  return dot > 0 && TENANT.test(tenant) && AGENT_ID.test(agentId) ? { tenant, agentId } : null;
}

/** The NATS subject a presence change is published on. */
export function presenceSubject(tenant: string, agentId: string): string {
  return `routing.presence.${tenant}.${agentId}`;
}

/**
 * Opens (or creates) the bucket with a TTL of `ttlMs`. A bucket made earlier with another TTL
 * is changed to this one, so every instance and the server agree on when a heartbeat lapses.
 */
export function openPresenceBucket(nc: NatsConnection, ttlMs: number): Promise<KV> {
  return openTtlBucket(nc, PRESENCE_BUCKET, ttlMs);
}
