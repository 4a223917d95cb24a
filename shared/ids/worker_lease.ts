/**
 * Worker ids that never collide between running processes: each process leases one of the 1024
 * ids in a NATS KV bucket whose entries expire (bucket TTL) unless renewed. A process that cannot
 * renew in time must stop issuing ids, because another process may now hold its id.
 * @module
 */
import type { KV } from "@nats-io/kv";
import { MAX_WORKER_ID } from "./snowflake.ts";

export interface WorkerLeaseOptions {
  /** Who holds the lease, for operators reading the bucket. */
  owner: string;
  /** How often to renew; the bucket TTL must be several times longer. */
  renewEveryMs: number;
  /** Called once if the lease is lost; the caller must stop issuing ids. */
  onLost: (error: unknown) => void;
}

export interface WorkerLease {
  workerId: number;
  release(): Promise<void>;
}

/** Leases a free worker id, starting the search at a random id so processes rarely race. */
export async function leaseWorkerId(kv: KV, options: WorkerLeaseOptions): Promise<WorkerLease> {
  const start = Math.floor(Math.random() * (MAX_WORKER_ID + 1));
  for (let i = 0; i <= MAX_WORKER_ID; i++) {
    const workerId = (start + i) % (MAX_WORKER_ID + 1);
    const revision = await kv.create(String(workerId), options.owner).catch(() => null);
    if (revision !== null) return keepRenewed(kv, workerId, revision, options);
  }
  throw new Error(`All ${MAX_WORKER_ID + 1} worker ids are leased; is a process leaking leases?`);
}

function keepRenewed(
  kv: KV,
  workerId: number,
  firstRevision: number,
  options: WorkerLeaseOptions,
): WorkerLease {
  let revision = firstRevision;
  let released = false;
  const timer = setInterval(async () => {
    try {
      revision = await kv.update(String(workerId), options.owner, revision);
    } catch (error) {
      if (released) return;
      clearInterval(timer);
      options.onLost(error);
    }
  }, options.renewEveryMs);
  return {
    workerId,
    async release() {
      released = true;
      clearInterval(timer);
      await kv.delete(String(workerId), { previousSeq: revision }).catch(() => {});
    },
  };
}
