/**
 * Expired uploads leave: one timer walks the upload bucket, aborts the multipart uploads and
 * removes the pending objects of unfinished uploads past `expiresAt`, and forgets their state.
 * A finished upload's state is only forgotten: its object belongs to the attachment now.
 * @module
 */
import type { UploadDeps } from "./deps.ts";
import { discardUpload } from "./uploads.ts";

type SweeperDeps = Pick<UploadDeps, "bucket" | "store" | "settings" | "log" | "now">;

/** Sweeps every `settings.sweepIntervalMs`; `stop()` leaves no timer behind. */
export class UploadSweeper {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<number> | null = null;

  constructor(private readonly deps: SweeperDeps) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.sweep(), this.deps.settings.sweepIntervalMs);
  }

  /** One pass now; resolves to the number of uploads removed (one pass at a time). */
  sweep(): Promise<number> {
    return this.#running ??= this.#pass().finally(() => this.#running = null);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  async #pass(): Promise<number> {
    let removed = 0;
    const now = this.deps.now();
    for await (const { state } of this.deps.bucket.all()) {
      if (state.expiresAt > now || (state.lock && state.lock.until > now)) continue;
      try {
        if (state.status === "receiving") await discardUpload(this.deps, state);
        else await this.deps.bucket.remove(state.tenant, state.id);
        removed++;
      } catch (error) {
        this.deps.log.warn("upload sweep failed", { uploadId: state.id, error: String(error) });
      }
    }
    return removed;
  }
}
