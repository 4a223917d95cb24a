/**
 * Rate limits as token buckets: each key (a client address, a hashed bearer token, a user name)
 * holds up to `capacity` requests and regains `refillPerSecond`; an empty bucket is answered 429
 * `rate_limited` with `Retry-After` in whole seconds. Memory is bounded by `maxKeys`. Per-address
 * limits need the connection info: serve with `Deno.serve((req, info) => app.fetch(req, info))`.
 * @module
 */
import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { problem, problemResponse } from "./problem.ts";

/** How many requests one key may make: a burst of `capacity`, then `refillPerSecond`. */
export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

export interface TokenBucketsOptions extends BucketPolicy {
  /** Most keys remembered; the least recently used is forgotten first (default 10,000). */
  maxKeys?: number;
  /** Milliseconds clock, injected by tests (default `Date.now`). */
  now?: () => number;
}

/** The outcome of {@link TokenBuckets.take}: allowed, or the whole seconds until it would be. */
export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets per key. A key forgotten to make room starts again full. */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(readonly policy: TokenBucketsOptions) {
    if (!(policy.capacity >= 1) || !(policy.refillPerSecond > 0)) {
      throw new RangeError("A rate limit needs capacity >= 1 and refillPerSecond > 0");
    }
    this.#maxKeys = policy.maxKeys ?? 10_000;
    this.#now = policy.now ?? Date.now;
  }

  /** Takes `cost` tokens from `key`'s bucket if it holds them. */
  take(key: string, cost = 1): Take {
    const bucket = this.#refilled(key);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    const seconds = (cost - bucket.tokens) / this.policy.refillPerSecond;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)) };
  }

  /** Whole seconds until `key` could take `cost` tokens (0: now), without taking any. */
  peek(key: string, cost = 1): number {
    const bucket = this.#refilled(key);
    if (bucket.tokens >= cost) return 0;
    return Math.max(1, Math.ceil((cost - bucket.tokens) / this.policy.refillPerSecond));
  }

  /** Forgets `key` (its bucket is full again). */
  reset(key: string): void {
    this.#buckets.delete(key);
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string): Bucket {
    const now = this.#now();
    const { capacity, refillPerSecond } = this.policy;
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key); // re-inserted below: Map order is least recently used first
      const elapsed = Math.max(0, now - bucket.at) / 1000;
      bucket = { tokens: Math.min(capacity, bucket.tokens + elapsed * refillPerSecond), at: now };
    } else {
      bucket = { tokens: capacity, at: now };
      while (this.#buckets.size >= this.#maxKeys) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }
}

export interface RateLimitOptions extends TokenBucketsOptions {
  /** Named in the 429 detail, e.g. `per-address`. */
  name: string;
  /** The bucket a request draws from; `undefined` lets the request pass uncounted. */
  key: (c: Context) => string | undefined;
}

/** Middleware answering 429 `rate_limited` with `Retry-After` once a key's bucket is empty. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  return limitAll([options]);
}

function limitAll(all: RateLimitOptions[]): MiddlewareHandler {
  const limits = all.map((options) => ({ options, buckets: new TokenBuckets(options) }));
  return async (c, next) => {
    for (const { options, buckets } of limits) {
      const key = options.key(c);
      if (key === undefined) continue;
      const taken = buckets.take(key);
      if (!taken.ok) return rateLimited(options.name, taken.retryAfterSeconds);
    }
    await next();
  };
}

/** The 429 response every limiter gives. */
export function rateLimited(name: string, retryAfterSeconds: number): Response {
  return problemResponse(
    problem(429, "rate_limited", `Too many requests (${name}); retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    }),
    { "retry-after": String(retryAfterSeconds) },
  );
}

export interface AddressOptions {
  /** Believe the last `X-Forwarded-For` hop (set only behind a proxy that appends it). */
  trustForwardedFor?: boolean;
}

/**
 * The client address: the connection's remote address (`c.env.remoteAddr`, as `Deno.serve`
 * passes it), or the last `X-Forwarded-For` hop when trusted; `unknown` when neither is there.
 */
export function clientAddress(c: Context, options: AddressOptions = {}): string {
  if (options.trustForwardedFor) {
    const hops = (c.req.header("x-forwarded-for") ?? "").split(",");
    const last = hops[hops.length - 1].trim();
    if (last) return last.slice(0, 64);
  }
  const env = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return env?.remoteAddr?.hostname ?? "unknown";
}

/** A SHA-256 digest of the request's bearer token (never the token itself), or undefined. */
export function bearerTokenKey(c: Context): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  return match ? hashKey(match[1]) : undefined;
}

/** A short digest of a secret or personal value, fit to be a bucket key or a log field. */
export function hashKey(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 22);
}

export interface RateLimitSettings extends AddressOptions {
  perAddress: BucketPolicy;
  perToken: BucketPolicy;
  maxKeys?: number;
  now?: () => number;
}

/** Both limits in one middleware: per client address, then per bearer token (when sent). */
export function rateLimits(settings: RateLimitSettings): MiddlewareHandler {
  const common = { maxKeys: settings.maxKeys, now: settings.now };
  return limitAll([
    {
      ...settings.perAddress,
      ...common,
      name: "per-address",
      key: (c) => clientAddress(c, settings),
    },
    { ...settings.perToken, ...common, name: "per-token", key: bearerTokenKey },
  ]);
}
