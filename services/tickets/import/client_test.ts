import assert from "node:assert/strict";
import { FatalImportError, retryable, retryDelay, ticketsClient } from "./client.ts";
import type { CreateTicketRequest } from "./request.ts";

const request: CreateTicketRequest = {
  subject: "s",
  body: "b",
  priority: "normal",
  tags: [],
  requesterId: "import:x",
  status: "new",
  externalId: "x:1",
};

/** A fetch answering from `answers` in turn (an Error is thrown), recording requests. */
function scripted(answers: (Response | Error)[]) {
  const seen: Request[] = [];
  const fake = (input: string | URL | Request, init?: RequestInit) => {
    seen.push(new Request(input, init));
    const next = answers.shift()!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch: fake as typeof fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });
const noSleep = () => Promise.resolve();

function client(answers: (Response | Error)[], extra = {}) {
  const fake = scripted(answers);
  const c = ticketsClient({
    url: "http://t/",
    token: "tok",
    fetch: fake.fetch,
    sleep: noSleep,
    ...extra,
  });
  return { ...c, seen: fake.seen };
}

Deno.test("create - 201 is created and 200 with duplicate is already present", async () => {
  const c = client([
    json(201, { id: "5", version: 7, duplicate: false }),
    json(200, { id: "5", version: 7, duplicate: true }),
  ]);
  assert.deepEqual(await c.create(request, "k1"), { kind: "created", ticketId: "5", version: 7 });
  assert.deepEqual(await c.create(request, "k1"), { kind: "present", ticketId: "5", version: 7 });
  const sent = c.seen[0];
  assert.equal(sent.url, "http://t/v1/tickets");
  assert.equal(sent.headers.get("idempotency-key"), "k1");
  assert.equal(sent.headers.get("authorization"), "Bearer tok");
  assert.deepEqual(await sent.json(), request);
});

Deno.test("create - a 422 is a rejection with the problem's code, not retried", async () => {
  const c = client([json(422, { code: "invalid_tag", detail: "Tag bad" })]);
  assert.deepEqual(await c.create(request, "k"), {
    kind: "rejected",
    status: 422,
    code: "invalid_tag",
    detail: "Tag bad",
  });
  assert.equal(c.seen.length, 1);
});

Deno.test("create - network errors, 503 and 429 are retried until an answer", async () => {
  const delays: number[] = [];
  const c = client([
    new TypeError("connection refused"),
    json(503, { code: "unavailable" }),
    json(429, { code: "slow_down" }, { "retry-after": "2" }),
    json(201, { id: "9" }),
  ], { sleep: (ms: number) => (delays.push(ms), Promise.resolve()), random: () => 1 });
  assert.deepEqual(await c.create(request, "k"), { kind: "created", ticketId: "9", version: 0 });
  assert.deepEqual(delays, [250, 500, 2000]);
  assert.equal(new Set(c.seen.map((r) => r.headers.get("idempotency-key"))).size, 1);
});

Deno.test("create - gives up after maxAttempts with a fatal error", async () => {
  const c = client([json(500, {}), json(502, {}), json(500, {})], { maxAttempts: 3 });
  await assert.rejects(
    c.create(request, "k"),
    (e) => e instanceof FatalImportError && /3 attempts/.test(e.message),
  );
});

Deno.test("create - a bad token stops the import at once", async () => {
  const c = client([json(401, { code: "unauthorized", detail: "expired" })]);
  await assert.rejects(c.create(request, "k"), FatalImportError);
});

Deno.test("create - a stop while waiting to retry leaves the row unfinished", async () => {
  const stop = new AbortController();
  const c = client([json(503, {})], { sleep: () => (stop.abort(), Promise.resolve()) });
  assert.deepEqual(await c.create(request, "k", stop.signal), { kind: "unfinished" });
});

Deno.test("retryDelay - doubles from the base with jitter, capped, or follows Retry-After", () => {
  assert.equal(retryDelay(1, 250, 10_000, () => 1), 250);
  assert.equal(retryDelay(4, 250, 10_000, () => 1), 2000);
  assert.equal(retryDelay(20, 250, 10_000, () => 1), 10_000);
  assert.equal(retryDelay(3, 250, 10_000, () => 0.5), 500);
  assert.equal(retryDelay(1, 250, 10_000, () => 1, 60), 10_000);
});

Deno.test("retryable - server errors, 408, 429 and contention; not refusals", () => {
  assert.ok(retryable(500) && retryable(503) && retryable(429) && retryable(408));
  assert.ok(retryable(409, "too_much_contention"));
  assert.ok(!retryable(409, "ticket_exists") && !retryable(422) && !retryable(400));
});
