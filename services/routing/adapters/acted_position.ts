/**
 * How far routing has acted on the ticket stream, kept in NATS KV (`routing-position`), so a
 * restarted routing acts on what arrived while it was stopped. Saved only when no decision is in
 * flight, so everything up to it was decided; a commit decided twice after a crash is harmless
 * (its commands carry the same idempotency keys, or the ticket has moved on).
 * @module
 */
import type { KV } from "@nats-io/kv";

const KEY = "acted";

export interface ActedPosition {
  /** The saved position, or undefined on a first start. */
  readonly saved: number | undefined;
  /** The position last saved (or read at start); 0 when none yet. */
  readonly position: number;
  stop(): Promise<void>;
}

/** Reads the saved position, then saves `current()` every `everyMs` while `idle()`. */
export async function keepActedPosition(
  kv: KV,
  current: () => number,
  idle: () => boolean,
  everyMs: number,
): Promise<ActedPosition> {
  const entry = await kv.get(KEY);
  const saved = entry && entry.operation === "PUT" ? Number(entry.string()) : undefined;
  let last = saved ?? 0;
  const save = async () => {
    const position = current();
    if (position <= last || !idle()) return;
    await kv.put(KEY, String(position));
    last = position;
  };
  let saving = Promise.resolve();
  const timer = setInterval(() => {
    saving = saving.then(save).catch(() => {});
  }, everyMs);
  return {
    saved: Number.isFinite(saved) ? saved : undefined,
    get position() {
      return last;
    },
    async stop() {
      clearInterval(timer);
      await saving;
      await save().catch(() => {});
    },
  };
}
