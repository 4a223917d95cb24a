/**
 * Worker ids that never collide between running processes: each process leases one of 1023 ids
 * (the last is kept for a tool without NATS) in a NATS KV bucket whose entries expire (bucket
 * TTL) unless renewed. Failed renewals are retried; a process that has not renewed by the TTL
 * minus a safety margin must stop issuing ids, because another process may soon hold its id.
 * @module
 */
import type { KV, Kvm } from "@nats-io/kv";
import { exitAfterFlush, type Logger } from "../log/logger.ts";
import { MAX_WORKER_ID } from "./snowflake.ts";
import { type LeaseOptions, tryLease } from "../runtime/kv_lease.ts";

/** The TTL is the bucket's own. */
export type WorkerLeaseOptions = Omit<LeaseOptions, "ttlMs">;

export interface WorkerLease {
  workerId: number;
  release(): Promise<void>;
}

/**
 * The worker id never leased: kept for a tool that runs without NATS (`deno task identity:admin`,
 * whose default `TICKETD_IDENTITY_WORKER_ID` it is), so its ids cannot collide with a service's.
 */
export const OFFLINE_TOOL_WORKER_ID = MAX_WORKER_ID;
const LEASABLE_IDS = MAX_WORKER_ID; // 0 .. MAX_WORKER_ID - 1

/** Leases a free worker id, starting the search at a random id so processes rarely race. */
export async function leaseWorkerId(kv: KV, options: WorkerLeaseOptions): Promise<WorkerLease> {
  const start = Math.floor(Math.random() * LEASABLE_IDS);
  const leaseOptions = { ...options, ttlMs: (await kv.status()).ttl };
  for (let i = 0; i < LEASABLE_IDS; i++) {
    const workerId = (start + i) % LEASABLE_IDS;
    const lease = await tryLease(kv, String(workerId), leaseOptions);
    if (lease) return { workerId, release: () => lease.release() };
  }
  throw new Error(`All ${LEASABLE_IDS} worker ids are leased; is a process leaking leases?`);
}

/**
 * A service process's worker id, leased in bucket `worker-ids` (TTL 30 s, renewed every 5 s,
 * a failed renewal retried every second). A process that has not renewed for 25 s, or sees its
 * id taken, exits (code 70, after writing the log line that says why) before the id can be
 * leased again, rather than risk duplicate ids.
 */
export async function leaseServiceWorkerId(
  kvm: Kvm,
  service: string,
  log: Logger,
): Promise<WorkerLease> {
  return await leaseWorkerId(await kvm.create("worker-ids", { ttl: 30_000 }), {
    owner: `${service}@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    log,
    onLost: (error) => {
      log.error("worker id lease lost; stopping to avoid duplicate ids", { error: String(error) });
      void exitAfterFlush(log, 70);
    },
  });
}
