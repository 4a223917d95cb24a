/**
 * Runs tasks one at a time per key. Commands to the same ticket in one process queue here
 * instead of racing to the stream; across processes the expected version still decides.
 * @module
 */

/** A per-key FIFO of async tasks; idle keys hold no memory. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with the same `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(() => {}, () => {});
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
