/**
 * One projector per deployment: two sharing the durable consumer would split its messages and
 * write one ticket's events out of order. The projector runs only while this process holds the
 * KV lease named after it; a standby instance keeps trying and takes over when the holder stops
 * or dies (its lease expires).
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { type Lease, tryLease } from "@ticketd/shared/runtime/kv_lease.ts";

export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ProjectorLeaderOptions {
  name: string;
  owner: string;
  renewEveryMs: number;
  retryEveryMs: number;
  log: Logger;
}

/** Runs `projector` whenever this process holds the lease; `stop()` ends it and lets go. */
export async function leadProjector(kv: KV, projector: Startable, options: ProjectorLeaderOptions) {
  let lease: Lease | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const attempt = async (): Promise<void> => {
    if (stopped) return;
    lease = await tryLease(kv, options.name, {
      owner: options.owner,
      renewEveryMs: options.renewEveryMs,
      onLost: async () => {
        options.log.error("projector lease lost; projector stopped", { projector: options.name });
        lease = null;
        await projector.stop();
        retry = setTimeout(attempt, options.retryEveryMs);
      },
    });
    if (lease) return await projector.start();
    options.log.info("another process runs the projector; standing by", {
      projector: options.name,
    });
    retry = setTimeout(attempt, options.retryEveryMs);
  };
  await attempt();
  return {
    get leading() {
      return lease !== null;
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      if (lease) {
        await projector.stop();
        await (lease as Lease).release();
      }
    },
  };
}
