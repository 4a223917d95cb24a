/**
 * A progress bar on stderr: redrawn in place when stderr is a terminal, otherwise one line
 * every few seconds (for logs and CI). Shows done/total, rows per second and the time left.
 * @module
 */

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  /** Rows already done when this run started (from the checkpoint): not part of the rate. */
  startDone: number;
  created: number;
  present: number;
  rejected: number;
}

/** One line describing `state`, `elapsedMs` into the run. */
export function renderProgress(state: ProgressState, elapsedMs: number, barWidth = 24): string {
  const { label, done, total } = state;
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * barWidth);
  const bar = "#".repeat(filled) + "-".repeat(barWidth - filled);
  const rate = rowsPerSecond(done - state.startDone, elapsedMs);
  const eta = rate > 0 ? duration(((total - done) / rate) * 1000) : "?";
  return `${label} [${bar}] ${done}/${total} ${Math.floor(share * 100)}% ` +
    `${rate.toFixed(0)}/s ETA ${eta} ` +
    `(created ${state.created}, present ${state.present}, rejected ${state.rejected})`;
}

/** Rows per second, 0 before any time has passed. */
export function rowsPerSecond(rows: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0;
}

/** `ms` as `m:ss` or `h:mm:ss`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export interface ProgressDeps {
  write: (text: string) => void;
  isTerminal: boolean;
  now?: () => number;
  /** Between redraws: default 100 ms on a terminal, 5 s otherwise. */
  intervalMs?: number;
}

/** A reporter: `update` often (cheap), `stop` once at the end (draws the final state). */
export function progressReporter(deps: ProgressDeps) {
  const now = deps.now ?? Date.now;
  const interval = deps.intervalMs ?? (deps.isTerminal ? 100 : 5_000);
  const startedAt = now();
  let last = startedAt; // the first draw waits one interval: no wild rate from one row
  let state: ProgressState | undefined;

  const draw = () => {
    if (!state) return;
    last = now();
    const line = renderProgress(state, last - startedAt);
    deps.write(deps.isTerminal ? `\r${line}\x1b[K` : `${line}\n`);
  };
  const timer = setInterval(() => now() - last >= interval && draw(), interval);

  return {
    update(next: ProgressState): void {
      state = next;
      if (now() - last >= interval) draw();
    },
    stop(): void {
      clearInterval(timer);
      draw();
      if (deps.isTerminal && state) deps.write("\n");
    },
  };
}

/** A reporter writing to the process's stderr. */
export function stderrProgress() {
  const encoder = new TextEncoder();
  return progressReporter({
    write: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    isTerminal: Deno.stderr.isTerminal(),
  });
}

export type ProgressReporter = ReturnType<typeof progressReporter>;
