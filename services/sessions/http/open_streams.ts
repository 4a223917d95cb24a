/**
 * The event streams a sessions server has open. `Deno.HttpServer.shutdown()` waits for every
 * response to finish, and an SSE response only finishes when its client goes away, so a stop
 * ends them all first; a stream opened after that ends at once.
 * @module
 */

/** What can be ended: an SSE response body. */
export interface Endable {
  end(): void;
  onEnd(fn: () => void): void;
}

export class OpenStreams {
  readonly #streams = new Set<Endable>();
  #closed = false;

  /** Tracks `stream` until it ends; ends it at once when the streams are already closed. */
  add(stream: Endable): void {
    if (this.#closed) return stream.end();
    this.#streams.add(stream);
    stream.onEnd(() => this.#streams.delete(stream));
  }

  /** Ends every open stream, and every stream added from now on. */
  closeAll(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) stream.end();
  }
}
