/**
 * One runner per deployment for work two processes must not both do (the tickets projector: two
 * sharing its durable consumer would split its messages; the sessions notification feed: two
 * would publish everything twice). It runs only while this process holds the KV lease named after
 * it; a standby instance keeps trying and takes over when the holder stops or dies (its lease
 * expires).
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { Logger } from "../log/logger.ts";
import { type Lease, tryLease } from "./kv_lease.ts";

export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LeaseLeaderOptions {
  name: string;
  owner: string;
  renewEveryMs: number;
  retryEveryMs: number;
  log: Logger;
}

/** Runs `runner` whenever this process holds the lease; `stop()` ends it and lets go. */
export async function runWhileLeased(kv: KV, runner: Startable, options: LeaseLeaderOptions) {
  let lease: Lease | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const attempt = async (): Promise<void> => {
    if (stopped) return;
    lease = await tryLease(kv, options.name, {
      owner: options.owner,
      renewEveryMs: options.renewEveryMs,
      onLost: async () => {
        options.log.error("lease lost; stopped", { lease: options.name });
        lease = null;
        await runner.stop();
        retry = setTimeout(attempt, options.retryEveryMs);
      },
    });
    if (lease) return await runner.start();
    options.log.info("another process holds the lease; standing by", { lease: options.name });
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
        await runner.stop();
        await (lease as Lease).release();
      }
    },
  };
}
