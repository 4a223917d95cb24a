/**
 * Structured JSON-line logs. Lines are buffered and written in chunks, because a synchronous
 * console write per request is what sinks a busy service. Callers pass ids and codes, never
 * ticket text or secrets.
 * @module
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  with(fields: Record<string, unknown>): Logger;
  flush(): Promise<void>;
}

export interface LogSink {
  write(chunk: Uint8Array): Promise<unknown>;
}

/** A logger writing lines at or above `level` to `sink` (stdout by default). */
export function createLogger(
  level: LogLevel,
  base: Record<string, unknown> = {},
  sink: LogSink = Deno.stdout,
): Logger {
  const buffer = new LineBuffer(sink);
  const make = (context: Record<string, unknown>): Logger => {
    const emit = (lvl: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
      if (RANK[lvl] < RANK[level]) return;
      buffer.push(
        JSON.stringify({ ts: new Date().toISOString(), level: lvl, msg, ...context, ...fields }),
      );
    };
    return {
      debug: emit("debug"),
      info: emit("info"),
      warn: emit("warn"),
      error: emit("error"),
      with: (fields) => make({ ...context, ...fields }),
      flush: () => buffer.flush(),
    };
  };
  return make(base);
}

class LineBuffer {
  #lines: string[] = [];
  #writing: Promise<void> = Promise.resolve();
  #scheduled = false;
  readonly #encoder = new TextEncoder();

  constructor(private readonly sink: LogSink) {}

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= 1000) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.flush(), 50);
    }
  }

  flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#lines.length === 0) return this.#writing;
    const chunk = this.#encoder.encode(this.#lines.join("\n") + "\n");
    this.#lines = [];
    this.#writing = this.#writing.then(() => this.sink.write(chunk)).then(() => {}, () => {});
    return this.#writing;
  }
}
