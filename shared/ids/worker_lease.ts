/**
 * Worker ids that never collide between running processes: each process leases one of the 1024
 * ids in a NATS KV bucket whose entries expire (bucket TTL) unless renewed. A process that cannot
 * renew in time must stop issuing ids, because another process may now hold its id.
 * @module
 */
import type { KV, Kvm } from "@nats-io/kv";
import type { Logger } from "../log/logger.ts";
import { MAX_WORKER_ID } from "./snowflake.ts";
import { type LeaseOptions, tryLease } from "../runtime/kv_lease.ts";

export type WorkerLeaseOptions = LeaseOptions;

export interface WorkerLease {
  workerId: number;
  release(): Promise<void>;
}

/** Leases a free worker id, starting the search at a random id so processes rarely race. */
export async function leaseWorkerId(kv: KV, options: WorkerLeaseOptions): Promise<WorkerLease> {
  const start = Math.floor(Math.random() * (MAX_WORKER_ID + 1));
  for (let i = 0; i <= MAX_WORKER_ID; i++) {
    const workerId = (start + i) % (MAX_WORKER_ID + 1);
    const lease = await tryLease(kv, String(workerId), options);
    if (lease) return { workerId, release: lease.release };
  }
  throw new Error(`All ${MAX_WORKER_ID + 1} worker ids are leased; is a process leaking leases?`);
}

/**
 * A service process's worker id, leased in bucket `worker-ids` (TTL 30 s, renewed every 5 s).
 * A process that loses it exits (code 70) rather than risk issuing ids another process issues.
 */
export async function leaseServiceWorkerId(
  kvm: Kvm,
  service: string,
  log: Logger,
): Promise<WorkerLease> {
  return await leaseWorkerId(await kvm.create("worker-ids", { ttl: 30_000 }), {
    owner: `${service}@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    onLost: (error) => {
      log.error("worker id lease lost; stopping to avoid duplicate ids", { error: String(error) });
      Deno.exit(70);
    },
  });
}
