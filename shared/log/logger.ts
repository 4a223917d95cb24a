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

/**
 * How long an exit waits for the last lines: long enough for a pipe or a file, short enough
 * that a stuck stdout cannot keep a process that must stop alive.
 */
const EXIT_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Writes what `log` still buffers (lines wait up to 50 ms), then exits with `code`: without it
 * the line saying why a process exits dies in the buffer. Every `Deno.exit` after a log line
 * goes through here.
 */
export async function exitAfterFlush(
  log: Pick<Logger, "flush">,
  code: number,
  exit: (code: number) => void = Deno.exit,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, EXIT_FLUSH_TIMEOUT_MS));
  await Promise.race([log.flush(), late]);
  clearTimeout(timer);
  exit(code);
}

/** Characters waiting for a slow sink before new lines are dropped (and the drop is counted). */
const MAX_PENDING_CHARS = 8 * 1024 * 1024;
const FLUSH_AT_CHARS = 256 * 1024;

class LineBuffer {
  #lines: string[] = [];
  #bufferedChars = 0;
  #pendingChars = 0;
  #dropped = 0;
  #writing: Promise<void> = Promise.resolve();
  #scheduled = false;
  readonly #encoder = new TextEncoder();

  constructor(private readonly sink: LogSink) {}

  push(line: string): void {
    if (this.#pendingChars > MAX_PENDING_CHARS) {
      this.#dropped++;
      return;
    }
    if (this.#dropped > 0) {
      const note = { ts: new Date().toISOString(), level: "warn", msg: "log lines dropped" };
      this.#add(JSON.stringify({ ...note, count: this.#dropped }));
      this.#dropped = 0;
    }
    this.#add(line);
    if (this.#lines.length >= 1000 || this.#bufferedChars >= FLUSH_AT_CHARS) {
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
    const chars = this.#bufferedChars;
    this.#lines = [];
    this.#bufferedChars = 0;
    this.#writing = this.#writing.then(() => this.sink.write(chunk)).then(() => {}, () => {})
      .then(() => {
        this.#pendingChars -= chars;
      });
    return this.#writing;
  }

  #add(line: string): void {
    this.#lines.push(line);
    this.#bufferedChars += line.length + 1;
    this.#pendingChars += line.length + 1;
  }
}
