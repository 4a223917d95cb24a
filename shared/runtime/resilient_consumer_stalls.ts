/**
 * Notices a durable consumer that delivers nothing while the stream holds more for it: two checks
 * in a row that find the position unchanged, no batch being applied, and a stored message after
 * the position. On 2.9 a new consumer leader counts deliveries lost with the old one as sent and
 * waits out the ack wait (30 s) before sending them again; {@link ResilientConsumer} reopens it
 * instead.
 * @module
 */

export interface StallWatchDeps {
  /** The last sequence applied. */
  position(): number;
  /** True while a batch is being applied (or retried): no progress is expected then. */
  busy(): boolean;
  /** The stream's next message at or after `from`, or null. */
  nextStored(from: number): Promise<number | null>;
  /** Called once per stall seen. */
  stalled(position: number): Promise<void> | void;
}

export interface StallWatch {
  /** Forgets what was seen (the consumer was just reopened). */
  reset(): void;
  stop(): void;
}

/** Checks every `everyMs` until stopped. */
export function watchForStalls(deps: StallWatchDeps, everyMs: number): StallWatch {
  let suspect: number | null = null;
  let checking = false;
  const check = async () => {
    if (checking || deps.busy()) return;
    checking = true;
    try {
      const position = deps.position();
      const waiting = await deps.nextStored(position + 1).catch(() => null);
      if (waiting === null || deps.position() !== position || deps.busy()) suspect = null;
      else if (suspect !== position) suspect = position;
      else {
        suspect = null;
        await deps.stalled(position);
      }
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(check, everyMs);
  return {
    reset: () => void (suspect = null),
    stop: () => clearInterval(timer),
  };
}
