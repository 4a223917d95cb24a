/**
 * Splits a byte stream into text lines of at most `maxBytes` each (the newline not counted): a
 * longer line is cut at the limit and flagged, and its rest skipped, so a stream without
 * newlines can never grow the buffer. Used for the plugin protocol's JSON lines and for plugin
 * stderr.
 * @module
 */

export interface Line {
  text: string;
  /** The line was longer than the limit; `text` is its start. */
  cut: boolean;
}

export class LineSplitter {
  #parts: Uint8Array[] = [];
  #size = 0;
  #cut = false;
  readonly #decoder = new TextDecoder();

  constructor(private readonly maxBytes: number) {}

  /** Whether the line being read is already over the limit. */
  get overflowing(): boolean {
    return this.#cut;
  }

  /** The lines that `chunk` completes. */
  push(chunk: Uint8Array): Line[] {
    const lines: Line[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      this.#append(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) break;
      lines.push(this.#take());
      start = newline + 1;
    }
    return lines;
  }

  /** The last line when the stream ends without a newline, if there is one. */
  end(): Line | null {
    return this.#size > 0 || this.#cut ? this.#take() : null;
  }

  #append(bytes: Uint8Array): void {
    const room = this.maxBytes - this.#size;
    if (bytes.length > room) this.#cut = true;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (kept.length === 0) return;
    this.#parts.push(kept.slice());
    this.#size += kept.length;
  }

  #take(): Line {
    const bytes = new Uint8Array(this.#size);
    let offset = 0;
    for (const part of this.#parts) bytes.set(part, (offset += part.length) - part.length);
    const line = { text: this.#decoder.decode(bytes), cut: this.#cut };
    this.#parts = [];
    this.#size = 0;
    this.#cut = false;
    return line;
  }
}
