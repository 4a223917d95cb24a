/**
 * Settles two-ticket operations that a crash left half done: every `sweepEveryMs` it asks the
 * read model for reservations older than the timeout and recovers each (completed or rolled
 * back, see `PairRunner.recover`). Several instances may sweep at once: every step is a
 * conditional append, so a ticket is settled once.
 * @module
 */
import type { Sql } from "postgres";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { staleReservations } from "../projections/relation_queries.ts";
import type { PairRunner } from "./pair_runner.ts";

export interface PairSweeperDeps {
  sql: Sql;
  pairs: PairRunner;
  now: () => Date;
  reservationMs: number;
  sweepEveryMs: number;
  log: Logger;
}

/** Tickets settled per sweep; the rest wait for the next one. */
const SWEEP_BATCH = 100;

export class PairSweeper {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PairSweeperDeps) {}

  start(): void {
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(async () => void await this.sweep()).catch((error) => {
        this.deps.log.warn("ticket operation sweep failed; retrying next time", {
          error: String(error),
        });
      });
    }, this.deps.sweepEveryMs);
  }

  /** One pass; returns how many tickets it settled. */
  async sweep(): Promise<number> {
    const { sql, pairs, now, reservationMs } = this.deps;
    const stale = await staleReservations(
      sql,
      new Date(now().getTime() - reservationMs),
      SWEEP_BATCH,
    );
    let settled = 0;
    for (const { tenant, ticketId } of stale) {
      if (await pairs.recover(tenant, ticketId) !== "none") settled++;
    }
    return settled;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
