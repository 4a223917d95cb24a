/**
 * The frame rate of one connection: a token bucket (a burst, then a steady rate) and a count of
 * refused frames, so a client that keeps flooding is told to stop and then disconnected. Two
 * numbers per connection, because idle sockets are many.
 * @module
 */

export type FrameVerdict = "ok" | "refused" | "abusive";

export interface FrameRatePolicy {
  framesPerSecond: number;
  frameBurst: number;
  /** Refused frames after which the connection is abusive. */
  rateLimitStrikes: number;
}

export class FrameRate {
  #tokens: number;
  #at: number;
  #strikes = 0;

  constructor(readonly policy: FrameRatePolicy, now: number) {
    this.#tokens = policy.frameBurst;
    this.#at = now;
  }

  /** Takes one frame's token at `now` (epoch ms). */
  take(now: number): FrameVerdict {
    const { framesPerSecond, frameBurst, rateLimitStrikes } = this.policy;
    const elapsed = Math.max(0, now - this.#at) / 1000;
    this.#tokens = Math.min(frameBurst, this.#tokens + elapsed * framesPerSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return "ok";
    }
    this.#strikes += 1;
    return this.#strikes >= rateLimitStrikes ? "abusive" : "refused";
  }
}
