/**
 * A KV bucket whose entries expire `ttlMs` after their last write (the stream's max age; the
 * only expiry nats-server 2.9 has: no per-message TTL, and no delete marker when it strikes). A
 * bucket made earlier with another TTL is changed to this one, so every instance agrees.
 * @module
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";

/** Opens (or creates) bucket `name` with entries living `ttlMs` after their last write. */
export async function openTtlBucket(nc: NatsConnection, name: string, ttlMs: number): Promise<KV> {
  const kv = await new Kvm(nc).create(name, { ttl: ttlMs, history: 1 });
  const status = await kv.status();
  if (status.ttl !== ttlMs) {
    const jsm = await jetstreamManager(nc);
    const config = status.streamInfo.config;
    await jsm.streams.update(config.name, { ...config, max_age: ttlMs * 1_000_000 });
  }
  return kv;
}
