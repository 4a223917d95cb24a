/**
 * Undo steps for everything the benchmark starts, run last-in first-out on success, failure,
 * Ctrl-C or SIGTERM, each at most once.
 * @module
 */

/** A LIFO stack of async undo steps, also run on SIGINT/SIGTERM. */
export class Cleanup {
  #steps: { name: string; run: () => Promise<unknown> | unknown }[] = [];
  #running: Promise<void> | null = null;
  readonly #onSignal = () => {
    console.error("\ninterrupted: cleaning up");
    this.run().finally(() => Deno.exit(130));
  };

  constructor() {
    Deno.addSignalListener("SIGINT", this.#onSignal);
    Deno.addSignalListener("SIGTERM", this.#onSignal);
  }

  /** Registers `run` to happen before every step registered earlier. */
  add(name: string, run: () => Promise<unknown> | unknown): void {
    this.#steps.push({ name, run });
  }

  /** Runs every step once, newest first; a failing step is reported and the rest still run. */
  run(): Promise<void> {
    return this.#running ??= (async () => {
      while (this.#steps.length > 0) {
        const step = this.#steps.pop()!;
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup "${step.name}" failed: ${error}`);
        }
      }
      Deno.removeSignalListener("SIGINT", this.#onSignal);
      Deno.removeSignalListener("SIGTERM", this.#onSignal);
    })();
  }
}

/** Sends `signal`, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(
  child: Deno.ChildProcess,
  signal: Deno.Signal = "SIGTERM",
  graceMs = 5_000,
): Promise<{ ms: number; killed: boolean }> {
  const started = performance.now();
  let killed = false;
  const kill = (s: Deno.Signal) => {
    try {
      child.kill(s);
    } catch {
      // already exited
    }
  };
  kill(signal);
  const timer = setTimeout(() => (killed = true, kill("SIGKILL")), graceMs);
  await child.status;
  clearTimeout(timer);
  return { ms: Math.round(performance.now() - started), killed };
}
