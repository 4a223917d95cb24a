/**
 * Read-your-writes: a query may wait, bounded, until the read model has applied a version.
 * @module
 */

/** Tracks the projector's position and lets readers wait for a version. */
export class ProjectionWatch {
  #position = 0;
  #waiters = new Set<{ version: number; resolve: (reached: boolean) => void }>();

  /** Called with every new position (the projector worker forwards it to the main thread). */
  onAdvance: (position: number) => void = () => {};

  get position(): number {
    return this.#position;
  }

  /** Called by the projector after each committed batch. */
  advance(position: number): void {
    if (position <= this.#position) return;
    this.#position = position;
    this.onAdvance(position);
    for (const waiter of this.#waiters) {
      if (waiter.version <= position) {
        this.#waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  /** True once `version` is applied; false if `timeoutMs` passes first. */
  waitFor(version: number, timeoutMs: number): Promise<boolean> {
    if (version <= this.#position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        version,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
