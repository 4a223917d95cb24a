/**
 * Bad input gets a clear 4xx problem with a stable code, never a 500, and never a stored ticket.
 * @module
 */
import assert from "node:assert/strict";
import {
  adminA,
  agentA,
  agentB,
  type Caller,
  createTicket,
  customerA,
  type Harness,
  supervisorA,
  ticketBody,
  withHarness,
} from "./support/tickets_harness.ts";

/** Sends `route` ("METHOD /path") and asserts a problem document with "<status> <code>". */
async function refused(
  h: Harness,
  who: Caller,
  route: string,
  body: unknown,
  expected: string,
  headers: Record<string, string> = {},
) {
  const [method, path] = route.split(" ");
  const [status, code] = expected.split(" ");
  const response = await h.call(who, method, path, body, headers);
  const problem = await response.json();
  assert.equal(response.status, Number(status), JSON.stringify(problem));
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.equal(problem.code, code);
  assert.equal(problem.status, Number(status));
  assert.ok(problem.title && problem.type);
}

async function storedCommits(h: Harness): Promise<number> {
  return (await h.jsm.streams.info("TICKETS")).state.messages;
}

const createCases: [string, unknown, number, string, Record<string, string>?][] = [
  ["malformed JSON", '{"subject": ', 400, "malformed_json"],
  ["a JSON array", "[1,2]", 422, "invalid_request"],
  ["a missing subject", { body: "x" }, 422, "invalid_request"],
  ["a subject of the wrong type", { subject: 5, body: "x" }, 422, "invalid_request"],
  ["an unknown field", { ...ticketBody(), colour: "red" }, 422, "invalid_request"],
  ["an unknown priority", ticketBody({ priority: "asap" }), 422, "invalid_request"],
  ["an unknown state", ticketBody({ status: "deleted" }), 422, "invalid_request"],
  ["a control character", ticketBody({ body: "bell \u0007" }), 422, "invalid_request"],
  ["a lone surrogate", '{"subject":"a\\ud800","body":"x"}', 422, "invalid_request"],
  ["a multi-line subject", ticketBody({ subject: "a\nb" }), 422, "invalid_request"],
  ["a blank body", ticketBody({ body: "  " }), 422, "invalid_request"],
  ["an over-long body", ticketBody({ body: "x".repeat(2_001) }), 422, "invalid_request"],
  ["a bad tag", ticketBody({ tags: ["<script>"] }), 422, "invalid_tag"],
  [
    "an unknown custom field",
    ticketBody({ customFields: { colour: "red" } }),
    422,
    "invalid_custom_field",
  ],
  [
    "a custom field of the wrong type",
    ticketBody({ customFields: { order_id: "x" } }),
    422,
    "invalid_custom_field",
  ],
  ["a form body", "subject=a", 415, "unsupported_media_type", {
    "content-type": "application/x-www-form-urlencoded",
  }],
  [
    "an import time from an agent",
    ticketBody({ createdAt: "2020-01-01T00:00:00Z" }),
    403,
    "forbidden",
  ],
  ["a bad Idempotency-Key", ticketBody(), 400, "invalid_idempotency_key", {
    "idempotency-key": "with space",
  }],
];

for (const [what, body, status, code, headers] of createCases) {
  Deno.test(`POST /v1/tickets - ${what} is refused with ${status} ${code} and stores nothing`, () =>
    withHarness(async (h) => {
      await refused(h, agentA, "POST /v1/tickets", body, `${status} ${code}`, headers);
      assert.equal(await storedCommits(h), 0);
    }, { TICKETD_MAX_BODY_CHARS: "2000" }));
}

Deno.test("POST /v1/tickets - a body over the byte limit is refused with 413", () =>
  withHarness(async (h) => {
    await refused(
      h,
      agentA,
      "POST /v1/tickets",
      ticketBody({ body: "x".repeat(5_000) }),
      "413 request_too_large",
    );
    assert.equal(await storedCommits(h), 0);
  }, { TICKETD_MAX_REQUEST_BYTES: "4096" }));

Deno.test("POST /v1/tickets - invalid UTF-8 is refused with 400", () =>
  withHarness(async (h) => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"subject":"a'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('","body":"b"}'),
    ]);
    await refused(h, agentA, "POST /v1/tickets", bytes, "400 invalid_utf8");
    assert.equal(await storedCommits(h), 0);
  }));

Deno.test("POST /v1/tickets - a __proto__ member anywhere is refused with 400, never dropped", () =>
  withHarness(async (h) => {
    const body = '{"subject":"a","body":"b","customFields":{"__proto__":{"x":1}}}';
    await refused(h, agentA, "POST /v1/tickets", body, "400 forbidden_key");
    assert.equal(await storedCommits(h), 0);
  }));

Deno.test("POST /v1/tickets - HTML is stored as text and comes back unchanged, never as markup", () =>
  withHarness(async (h) => {
    const html = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const { id, version } = await createTicket(h, customerA, { subject: html, body: html });
    const response = await h.call(agentA, "GET", `/v1/tickets/${id}?min_version=${version}`);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    const ticket = await response.json();
    assert.equal(ticket.subject, html);
    assert.equal(ticket.messages[0].body, html);
  }));

Deno.test("POST /v1/tickets - text is normalised to NFC; emoji and CJK survive byte for byte", () =>
  withHarness(async (h) => {
    const subject = "Cafe\u0301 数据丢失 👩‍👩‍👧 𠜎";
    const { id, version } = await createTicket(h, customerA, { subject, body: "🇨🇳 テスト 한국어" });
    const ticket = await (await h.call(agentA, "GET", `/v1/tickets/${id}?min_version=${version}`))
      .json();
    assert.equal(ticket.subject, subject.normalize("NFC"));
    assert.equal(ticket.subject, "Caf\u00e9 数据丢失 👩‍👩‍👧 𠜎");
    assert.equal(ticket.messages[0].body, "🇨🇳 テスト 한국어");
  }));

Deno.test("ids - a ticket id that does not exist is 404 ticket_not_found", () =>
  withHarness(async (h) => {
    await refused(
      h,
      agentA,
      "GET /v1/tickets/123456789012345678",
      undefined,
      "404 ticket_not_found",
    );
    await refused(
      h,
      agentA,
      "POST /v1/tickets/123456789012345678/messages",
      { body: "x" },
      "404 ticket_not_found",
    );
    await refused(
      h,
      agentA,
      "GET /v1/tickets/123456789012345678/history",
      undefined,
      "404 ticket_not_found",
    );
  }));

Deno.test("ids - a malformed ticket id is 404, not a database error", () =>
  withHarness(async (h) => {
    for (const bad of ["abc", "0", "-1", "99999999999999999999", "1%20or%201=1"]) {
      await refused(h, agentA, `GET /v1/tickets/${bad}`, undefined, "404 ticket_not_found");
    }
  }));

Deno.test("ids - a ticket of another tenant is not found, for reads and writes", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA);
    await h.service.watch.waitFor(version, 5_000);
    await refused(h, agentB, `GET /v1/tickets/${id}`, undefined, "404 ticket_not_found");
    await refused(h, agentB, `GET /v1/tickets/${id}/history`, undefined, "404 ticket_not_found");
    await refused(
      h,
      agentB,
      `POST /v1/tickets/${id}/status`,
      { status: "open" },
      "404 ticket_not_found",
    );
    const list = await (await h.call(agentB, "GET", "/v1/tickets")).json();
    assert.equal(list.tickets.length, 0);
  }));

Deno.test("status - an unknown state and a forbidden transition are refused", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await refused(
      h,
      agentA,
      `POST /v1/tickets/${id}/status`,
      { status: "archived" },
      "422 invalid_request",
    );
    await refused(
      h,
      supervisorA,
      `POST /v1/tickets/${id}/status`,
      { status: "closed" },
      "409 transition_not_allowed",
    );
  }));

Deno.test("queries - bad parameters are 400 invalid_query or invalid_cursor", () =>
  withHarness(async (h) => {
    for (
      const query of [
        "status=gone",
        "priority=p0",
        "limit=0",
        "limit=100000",
        "sort=subject",
        "created_from=yesterday",
        "min_version=-1",
        "q=%21%21%21",
        // An empty filter would otherwise filter nothing and list every ticket.
        "group=",
        "status=,",
        "tag=",
      ]
    ) {
      await refused(h, agentA, `GET /v1/tickets?${query}`, undefined, "400 invalid_query");
    }
    await refused(h, agentA, "GET /v1/tickets?cursor=garbage", undefined, "400 invalid_cursor");
  }));

Deno.test("imports - an original time before 1970 or in the future is refused", () =>
  withHarness(async (h) => {
    for (const createdAt of ["0000-01-01T00:00:00Z", "9999-12-31T00:00:00Z"]) {
      await refused(
        h,
        adminA,
        "POST /v1/tickets",
        ticketBody({ createdAt }),
        "422 invalid_request",
      );
    }
    assert.equal(await storedCommits(h), 0);
  }));

Deno.test("queries - control characters and impossible dates in filters are 400, not 500", () =>
  withHarness(async (h) => {
    for (
      const query of [
        "tag=%00",
        "assignee=a%00b",
        "requester=%00",
        "group=%00",
        "q=a%00",
        "created_from=0000-01-01T00:00:00Z",
        "created_to=2024-02-30T00:00:00Z",
      ]
    ) {
      await refused(h, agentA, `GET /v1/tickets?${query}`, undefined, "400 invalid_query");
    }
  }));

Deno.test("If-Match - a weak ETag is refused: If-Match compares strongly", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA);
    await refused(
      h,
      agentA,
      `POST /v1/tickets/${id}/status`,
      { status: "open" },
      "400 invalid_if_match",
      {
        "if-match": `W/"${version}"`,
      },
    );
  }));

Deno.test("If-Match - a malformed header is 400", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await refused(
      h,
      agentA,
      `POST /v1/tickets/${id}/status`,
      { status: "open" },
      "400 invalid_if_match",
      { "if-match": "soon" },
    );
  }));

Deno.test("auth - no token, a forged token and an unknown route all get problem documents", () =>
  withHarness(async (h) => {
    const none = await h.service.fetch(new Request("http://t/v1/tickets"));
    assert.equal(none.status, 401);
    assert.equal((await none.json()).code, "unauthorized");
    const token = await h.token(agentA);
    const forged = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    const bad = await h.service.fetch(
      new Request("http://t/v1/tickets", { headers: { authorization: `Bearer ${forged}` } }),
    );
    assert.equal(bad.status, 401);
    const lost = await h.call(agentA, "GET", "/v1/nowhere");
    assert.equal(lost.status, 404);
    assert.equal((await lost.json()).code, "route_not_found");
  }));

Deno.test("POST /v1/tickets - a body that trickles in too slowly gets 408 and stores nothing", () =>
  withHarness(async (h) => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      h.service.fetch,
    );
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
      const head = `POST /v1/tickets HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${await h.token(
        agentA,
      )}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"subject":`;
      await connection.write(new TextEncoder().encode(head));
      const buffer = new Uint8Array(4096);
      const read = await connection.read(buffer);
      connection.close();
      const answer = new TextDecoder().decode(buffer.subarray(0, read ?? 0));
      assert.match(answer, /^HTTP\/1\.1 408/);
      assert.match(answer, /"code":"request_timeout"/);
      assert.equal(await storedCommits(h), 0);
    } finally {
      await server.shutdown();
    }
  }, { TICKETD_BODY_TIMEOUT_MS: "300" }));
