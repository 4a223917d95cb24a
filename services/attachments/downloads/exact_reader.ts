/**
 * Reads a byte stream in pieces of exactly the length asked for, whatever chunk sizes arrive,
 * holding at most one piece and one chunk.
 * @module
 */

export class ExactReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #leftover: Uint8Array = new Uint8Array(0);
  #closed = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  /** The next `length` bytes; fails if the stream ends first. */
  async read(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.#leftover.length === 0) {
        const next = await this.#chunks.next();
        if (next.done) throw new Error(`The stored object ended ${length - filled} bytes early`);
        this.#leftover = next.value;
        continue;
      }
      const take = Math.min(length - filled, this.#leftover.length);
      out.set(this.#leftover.subarray(0, take), filled);
      this.#leftover = this.#leftover.subarray(take);
      filled += take;
    }
    return out;
  }

  /** Stops the source (a Node stream is destroyed, freeing its connection). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leftover = new Uint8Array(0);
    await this.#chunks.return?.();
  }
}
