import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  bearerTokenKey,
  clientAddress,
  rateLimit,
  rateLimits,
  TokenBuckets,
} from "./rate_limit.ts";

function clock(start = 1_000_000) {
  let ms = start;
  return { now: () => ms, advance: (by: number) => ms += by };
}

Deno.test("TokenBuckets - a burst of capacity passes, the next is refused with a retry time", () => {
  const time = clock();
  const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5, now: time.now });
  for (let i = 0; i < 3; i++) assert.deepEqual(buckets.take("a"), { ok: true });
  assert.deepEqual(buckets.take("a"), { ok: false, retryAfterSeconds: 2 });
});

Deno.test("TokenBuckets - tokens come back with time, never beyond capacity", () => {
  const time = clock();
  const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 1, now: time.now });
  buckets.take("a"), buckets.take("a");
  assert.equal(buckets.take("a").ok, false);
  time.advance(1000);
  assert.equal(buckets.take("a").ok, true);
  assert.equal(buckets.take("a").ok, false);
  time.advance(60_000);
  assert.equal(buckets.take("a").ok, true);
  assert.equal(buckets.take("a").ok, true);
  assert.equal(buckets.take("a").ok, false);
});

Deno.test("TokenBuckets - keys are independent", () => {
  const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1, now: clock().now });
  assert.equal(buckets.take("a").ok, true);
  assert.equal(buckets.take("a").ok, false);
  assert.equal(buckets.take("b").ok, true);
});

Deno.test("TokenBuckets - Retry-After is whole seconds, at least 1", () => {
  const time = clock();
  const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 10, now: time.now });
  buckets.take("a");
  assert.deepEqual(buckets.take("a"), { ok: false, retryAfterSeconds: 1 });
  const slow = new TokenBuckets({ capacity: 1, refillPerSecond: 1 / 90, now: time.now });
  slow.take("a");
  time.advance(500);
  assert.deepEqual(slow.take("a"), { ok: false, retryAfterSeconds: 90 });
});

Deno.test("TokenBuckets - memory stays bounded: the least recently used key is forgotten", () => {
  const buckets = new TokenBuckets({
    capacity: 1,
    refillPerSecond: 1,
    maxKeys: 3,
    now: clock().now,
  });
  for (const key of ["a", "b", "c"]) buckets.take(key);
  buckets.take("a"); // a is now the most recently used
  buckets.take("d");
  assert.equal(buckets.size, 3);
  assert.equal(buckets.take("a").ok, false, "a was remembered");
  assert.equal(buckets.take("b").ok, true, "b was forgotten and starts full");
});

Deno.test("TokenBuckets - a clock stepping back gives no tokens and breaks nothing", () => {
  const time = clock();
  const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1, now: time.now });
  buckets.take("a");
  time.advance(-10_000);
  assert.equal(buckets.take("a").ok, false);
});

Deno.test("TokenBuckets - a policy without capacity or refill is refused", () => {
  assert.throws(() => new TokenBuckets({ capacity: 0, refillPerSecond: 1 }), RangeError);
  assert.throws(() => new TokenBuckets({ capacity: 1, refillPerSecond: 0 }), RangeError);
});

function limitedApp(middleware: ReturnType<typeof rateLimit>) {
  const app = new Hono();
  app.use(middleware);
  app.get("/", (c) => c.text("ok"));
  return app;
}

const from = (hostname: string) => ({ remoteAddr: { hostname, port: 1, transport: "tcp" } });

Deno.test("rateLimit - an empty bucket is 429 rate_limited problem+json with Retry-After", async () => {
  const app = limitedApp(
    rateLimit({
      name: "test",
      capacity: 1,
      refillPerSecond: 0.2,
      now: clock().now,
      key: () => "k",
    }),
  );
  assert.equal((await app.request("/")).status, 200);
  const refused = await app.request("/");
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "5");
  assert.equal(refused.headers.get("content-type"), "application/problem+json");
  const body = await refused.json();
  assert.equal(body.code, "rate_limited");
  assert.equal(body.retryAfterSeconds, 5);
});

Deno.test("rateLimit - a request without a key passes uncounted", async () => {
  const app = limitedApp(
    rateLimit({ name: "t", capacity: 1, refillPerSecond: 1, key: () => undefined }),
  );
  for (let i = 0; i < 3; i++) assert.equal((await app.request("/")).status, 200);
});

Deno.test("rateLimits - each client address has its own bucket", async () => {
  const app = limitedApp(rateLimits({
    perAddress: { capacity: 1, refillPerSecond: 0.1 },
    perToken: { capacity: 100, refillPerSecond: 1 },
    now: clock().now,
  }));
  assert.equal((await app.request("/", {}, from("10.0.0.1"))).status, 200);
  assert.equal((await app.request("/", {}, from("10.0.0.1"))).status, 429);
  assert.equal((await app.request("/", {}, from("10.0.0.2"))).status, 200);
});

Deno.test("rateLimits - each bearer token has its own bucket, across addresses", async () => {
  const app = limitedApp(rateLimits({
    perAddress: { capacity: 100, refillPerSecond: 1 },
    perToken: { capacity: 2, refillPerSecond: 0.1 },
    now: clock().now,
  }));
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  assert.equal((await app.request("/", bearer("t1"), from("10.0.0.1"))).status, 200);
  assert.equal((await app.request("/", bearer("t1"), from("10.0.0.2"))).status, 200);
  const refused = await app.request("/", bearer("t1"), from("10.0.0.3"));
  assert.equal(refused.status, 429);
  assert.match((await refused.json()).detail, /per-token/);
  assert.equal((await app.request("/", bearer("t2"), from("10.0.0.3"))).status, 200);
});

Deno.test("clientAddress - X-Forwarded-For is ignored unless trusted, then its last hop counts", async () => {
  const app = new Hono();
  app.get("/", (c) =>
    c.json({
      plain: clientAddress(c),
      trusted: clientAddress(c, { trustForwardedFor: true }),
    }));
  const headers = { "x-forwarded-for": "6.6.6.6, 203.0.113.9" };
  const seen = await (await app.request("/", { headers }, from("10.0.0.1"))).json();
  assert.deepEqual(seen, { plain: "10.0.0.1", trusted: "203.0.113.9" });
  const noConnection = await (await app.request("/")).json();
  assert.deepEqual(noConnection, { plain: "unknown", trusted: "unknown" });
});

Deno.test("bearerTokenKey - the key is a digest, never the token itself", async () => {
  const app = new Hono();
  app.get("/", (c) => c.text(bearerTokenKey(c) ?? "none"));
  const key = await (await app.request("/", { headers: { authorization: "Bearer secret.jwt" } }))
    .text();
  assert.notEqual(key, "none");
  assert.ok(!key.includes("secret"));
  assert.equal(key.length, 22);
  assert.equal(await (await app.request("/")).text(), "none");
});
