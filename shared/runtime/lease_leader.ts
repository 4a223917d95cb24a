/**
 * One runner per deployment for work two processes must not both do (the tickets projector: two
 * sharing its durable consumer would split its messages; the sessions notification feed: two
 * would publish everything twice). It runs only while this process holds the KV lease named after
 * it; a standby instance keeps trying and takes over when the holder stops or dies (its lease
 * expires). Failed renewals are retried (`kv_lease.ts`); a runner that fails to start is stopped,
 * the lease let go, and the whole attempt made again later.
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
  const { name, log } = options;
  const ttlMs = (await kv.status()).ttl;
  let lease: Lease | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    if (!stopped) retry = setTimeout(() => attempt().catch(startFailed), options.retryEveryMs);
  };
  const startFailed = async (error: unknown) => {
    log.error("leased runner failed to start; retrying", { lease: name, error: String(error) });
    const held = lease;
    lease = null;
    await runner.stop().catch(() => {});
    await held?.release();
    later();
  };
  const attempt = async (): Promise<void> => {
    if (stopped) return;
    lease = await tryLease(kv, name, {
      owner: options.owner,
      renewEveryMs: options.renewEveryMs,
      ttlMs,
      log,
      onLost: async (error) => {
        log.error("lease lost; stopped", { lease: name, error: String(error) });
        lease = null;
        await runner.stop().catch(() => {});
        later();
      },
    });
    if (lease) return await runner.start();
    log.info("another process holds the lease; standing by", { lease: name });
    later();
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
