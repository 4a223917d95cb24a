/**
 * Leases in a NATS KV bucket whose entries expire (bucket TTL) unless renewed: create-if-absent
 * takes one, compare-and-set renews it. A holder that cannot renew has lost it, and is told.
 * @module
 */
import type { KV } from "@nats-io/kv";

export interface LeaseOptions {
  /** Who holds the lease, for operators reading the bucket. */
  owner: string;
  /** How often to renew; the bucket TTL must be several times longer. */
  renewEveryMs: number;
  /** Called once if the lease is lost; the holder must stop what the lease guards. */
  onLost: (error: unknown) => void;
}

export interface Lease {
  release(): Promise<void>;
}

/** Takes the lease on `key`, or null when someone else holds it. */
export async function tryLease(kv: KV, key: string, options: LeaseOptions): Promise<Lease | null> {
  let revision = await kv.create(key, options.owner).catch(() => null);
  if (revision === null) return null;
  let released = false;
  const timer = setInterval(async () => {
    try {
      revision = await kv.update(key, options.owner, revision!);
    } catch (error) {
      if (released) return;
      clearInterval(timer);
      options.onLost(error);
    }
  }, options.renewEveryMs);
  return {
    async release() {
      released = true;
      clearInterval(timer);
      await kv.delete(key, { previousSeq: revision! }).catch(() => {});
    },
  };
}
