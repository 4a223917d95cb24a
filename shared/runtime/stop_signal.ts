/**
 * How a Ticketd process stops: the first SIGINT or SIGTERM starts an orderly stop; another one
 * (Ctrl-C pressed again) exits at once; and a stop that outlasts its grace period exits anyway,
 * saying so, rather than leave a process nobody can stop. `deno task` forwards the terminal's
 * SIGINT, so one Ctrl-C arrives twice a moment apart: signals within a second of the first count
 * as the same one.
 * @module
 */

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
const SAME_PRESS_MS = 1_000;
/** The exit code of a process stopped by SIGINT (128 + 2). */
export const FORCED_EXIT_CODE = 130;

export interface StopSignal {
  /** Resolves on the first SIGINT or SIGTERM. */
  readonly received: Promise<void>;
  /**
   * Bounds the orderly stop: after `graceMs`, `onOverrun` runs and the process exits with 1 (once
   * the promise `onOverrun` may return settles: a logger's flush, so its last line is written).
   */
  guardStop(graceMs: number, onOverrun: () => void | Promise<void>): void;
  /** Removes the listeners (tests, or a process that outlives its service). */
  dispose(): void;
}

export interface StopSignalOptions {
  now?: () => number;
  exit?: (code: number) => void;
  /** Told before a second signal forces the exit. */
  onForced?: () => void;
}

/** Listens for SIGINT and SIGTERM as described in the module comment. */
export function listenForStop(options: StopSignalOptions = {}): StopSignal {
  const now = options.now ?? Date.now;
  const exit = options.exit ?? Deno.exit;
  const { promise, resolve } = Promise.withResolvers<void>();
  let firstAt: number | null = null;
  let guard: ReturnType<typeof setTimeout> | undefined;
  const onSignal = () => {
    if (firstAt === null) {
      firstAt = now();
      resolve();
    } else if (now() - firstAt > SAME_PRESS_MS) {
      options.onForced?.();
      exit(FORCED_EXIT_CODE);
    }
  };
  for (const signal of SIGNALS) Deno.addSignalListener(signal, onSignal);
  return {
    received: promise,
    guardStop(graceMs, onOverrun) {
      const timer = setTimeout(async () => {
        await onOverrun();
        exit(1);
      }, graceMs);
      // The guard must never be what keeps a finished process alive.
      Deno.unrefTimer(timer);
      guard = timer;
    },
    dispose() {
      clearTimeout(guard);
      for (const signal of SIGNALS) Deno.removeSignalListener(signal, onSignal);
    },
  };
}
