/**
 * The audit consumers never fall behind silently: every `checkMs` each stream's lag is measured
 * (for `/metrics`), and a warning is logged while it has stayed above `warnMessages` for longer
 * than `warnMs` (once per `warnMs`).
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";

export interface LaggingSource {
  readonly stream: string;
  lag(): Promise<number | null>;
}

export class LagWatch {
  #lags = new Map<string, number>();
  #aboveSince = new Map<string, number>();
  #warnedAt = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sources: readonly LaggingSource[],
    private readonly options: { checkMs: number; warnMessages: number; warnMs: number },
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last measured lag of each stream (absent: the stream does not exist yet). */
  get lags(): ReadonlyMap<string, number> {
    return this.#lags;
  }

  start(): void {
    this.#timer = setInterval(() => void this.check(), this.options.checkMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Measures every stream once and warns about those lagging too long. */
  async check(): Promise<void> {
    for (const source of this.sources) {
      const lag = await source.lag().catch(() => null);
      if (lag === null) continue;
      this.#lags.set(source.stream, lag);
      this.#judge(source.stream, lag);
    }
  }

  #judge(stream: string, lag: number): void {
    const now = this.now();
    if (lag <= this.options.warnMessages) {
      this.#aboveSince.delete(stream);
      return;
    }
    const since = this.#aboveSince.get(stream) ?? now;
    this.#aboveSince.set(stream, since);
    const warned = this.#warnedAt.get(stream) ?? 0;
    if (now - since >= this.options.warnMs && now - warned >= this.options.warnMs) {
      this.#warnedAt.set(stream, now);
      this.log.warn("audit is lagging behind a stream", {
        stream,
        lag,
        forMs: now - since,
        threshold: this.options.warnMessages,
      });
    }
  }
}
