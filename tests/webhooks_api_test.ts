/**
 * The webhooks admin API on a private nats-server and PostgreSQL: bad input is a 4xx problem
 * with a stable code, a tenant sees only its own hooks, the delivery log pages by keyset and
 * a failed delivery can be redelivered, a rotated secret signs beside the new one for a while.
 * @module
 */
import assert from "node:assert/strict";
import { decodeActivity } from "@ticketd/shared/events/activity.ts";
import { verifySignature } from "../services/webhooks/domain/signature.ts";
import {
  call,
  startReceiver,
  startWebhooksTestBed,
  until,
  type WebhooksTestBed,
} from "../services/webhooks/testing.ts";

async function withBed(fn: (bed: WebhooksTestBed) => Promise<void>): Promise<void> {
  const bed = await startWebhooksTestBed();
  try {
    await fn(bed);
  } finally {
    await bed.stop();
  }
}

Deno.test("webhooks API - bad input is refused with a 4xx problem and a stable code", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks({ TICKETD_WEBHOOKS_MAX_PER_TENANT: "1" });
    const admin = await bed.token("acme", "admin");
    const agent = await bed.token("acme", "agent");
    const good = { url: "https://hooks.example.com/x", eventTypes: ["ticket.*"] };
    const cases: [string, string, string, unknown, number, string][] = [
      [
        admin,
        "POST",
        "/v1/webhooks",
        { ...good, url: "http://hooks.example.com/" },
        400,
        "https_required",
      ],
      [admin, "POST", "/v1/webhooks", { ...good, url: "ftp://127.0.0.1/" }, 400, "https_required"],
      [
        admin,
        "POST",
        "/v1/webhooks",
        { ...good, url: "https://u:p@h.example/" },
        400,
        "invalid_url",
      ],
      [admin, "POST", "/v1/webhooks", { ...good, url: "nope" }, 400, "invalid_url"],
      [
        admin,
        "POST",
        "/v1/webhooks",
        { ...good, url: "https://169.254.169.254/latest/meta-data" },
        400,
        "private_address",
      ],
      [
        admin,
        "POST",
        "/v1/webhooks",
        { ...good, eventTypes: ["ticket.nope"] },
        400,
        "unknown_event_type",
      ],
      [admin, "POST", "/v1/webhooks", { ...good, eventTypes: [] }, 422, "invalid_request"],
      [admin, "POST", "/v1/webhooks", { ...good, secret: "mine" }, 422, "invalid_request"],
      [agent, "POST", "/v1/webhooks", good, 403, "forbidden"],
      [agent, "GET", "/v1/webhooks", undefined, 403, "forbidden"],
      [admin, "GET", "/v1/webhooks/123", undefined, 404, "webhook_not_found"],
      [admin, "GET", "/v1/webhooks/abc", undefined, 404, "webhook_not_found"],
      [admin, "POST", "/v1/webhooks/123/rotate-secret", {}, 404, "webhook_not_found"],
    ];
    for (const [token, method, path, body, status, code] of cases) {
      const response = await call(service, token, method, path, body);
      const problem = await response.json();
      assert.equal(response.status, status, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(problem.code, code, `${method} ${path} ${JSON.stringify(body)}`);
      assert.match(response.headers.get("content-type") ?? "", /problem\+json/);
    }
    const notJson = await service.fetch(
      new Request("http://webhooks.test/v1/webhooks", {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "text/plain" },
        body: "{}",
      }),
    );
    assert.equal(notJson.status, 415);
    assert.equal((await notJson.json()).code, "unsupported_media_type");
    const noToken = await service.fetch(new Request("http://webhooks.test/v1/webhooks"));
    assert.equal(noToken.status, 401);
    const made = await call(service, admin, "POST", "/v1/webhooks", good);
    assert.equal(made.status, 201);
    const { id } = await made.json();
    const second = await call(service, admin, "POST", "/v1/webhooks", good);
    assert.equal(second.status, 409);
    assert.equal((await second.json()).code, "too_many_webhooks");
    const log = (query: string) =>
      call(service, admin, "GET", `/v1/webhooks/${id}/deliveries${query}`);
    for (
      const [query, code] of [
        ["?limit=0", "invalid_parameter"],
        ["?limit=x", "invalid_parameter"],
        ["?status=lost", "invalid_parameter"],
        ["?cursor=x1", "invalid_cursor"],
        ["?page=2", "unknown_parameter"],
        ["?limit=1&limit=2", "invalid_parameter"],
      ]
    ) {
      const response = await log(query);
      assert.equal(response.status, 400, query);
      assert.equal((await response.json()).code, code, query);
    }
  });
});

Deno.test("webhooks API - a tenant's admin cannot see, change or delete another tenant's hook", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks();
    const acme = await bed.token("acme", "admin");
    const globex = await bed.token("globex", "admin");
    const made = await call(service, acme, "POST", "/v1/webhooks", {
      url: "https://hooks.example.com/acme",
      eventTypes: ["*"],
    });
    const { id } = await made.json();
    for (
      const [method, path, body] of [
        ["GET", `/v1/webhooks/${id}`, undefined],
        ["PATCH", `/v1/webhooks/${id}`, { enabled: false }],
        ["DELETE", `/v1/webhooks/${id}`, undefined],
        ["GET", `/v1/webhooks/${id}/deliveries`, undefined],
        ["POST", `/v1/webhooks/${id}/rotate-secret`, {}],
      ] as const
    ) {
      const response = await call(service, globex, method, path, body);
      assert.equal(response.status, 404, `${method} ${path}`);
      await response.body?.cancel();
    }
    assert.deepEqual(
      (await (await call(service, globex, "GET", "/v1/webhooks")).json()).webhooks,
      [],
    );
    const listed = await (await call(service, acme, "GET", "/v1/webhooks")).json();
    assert.equal(listed.webhooks.length, 1);
    assert.equal(listed.webhooks[0].enabled, true);
    assert.equal("secret" in listed.webhooks[0], false);
    assert.equal((await call(service, acme, "DELETE", `/v1/webhooks/${id}`)).status, 204);
  });
});

Deno.test("webhooks API - the delivery log pages by keyset; a failed delivery is redelivered under its event id", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks({
      TICKETD_WEBHOOKS_MAX_ATTEMPTS: "2",
      TICKETD_WEBHOOKS_BREAKER_FAILURES: "10", // six failures here: the breaker stays closed
    });
    let healthy = false;
    const receiver = startReceiver(() => healthy ? 200 : 503);
    try {
      const admin = await bed.token("acme", "admin");
      const { id } = await (await call(service, admin, "POST", "/v1/webhooks", {
        url: receiver.url,
        eventTypes: ["ticket.priority_changed"],
      })).json();
      for (let i = 0; i < 3; i++) await bed.publishCommit("acme", String(10 + i));
      const page = async (query: string) =>
        await (await call(service, admin, "GET", `/v1/webhooks/${id}/deliveries${query}`)).json();
      await until(
        "every delivery failed",
        async () => (await page("?status=failed")).deliveries.length === 3,
      );
      const first = await page("?limit=2");
      assert.equal(first.deliveries.length, 2);
      assert.ok(first.nextCursor);
      const second = await page(`?limit=2&cursor=${first.nextCursor}`);
      assert.equal(second.deliveries.length, 1);
      assert.equal(second.nextCursor, null);
      const all = [...first.deliveries, ...second.deliveries];
      assert.equal(new Set(all.map((d: { id: string }) => d.id)).size, 3);
      for (const delivery of all) {
        assert.equal(delivery.status, "failed");
        assert.equal(delivery.attempts, 2);
        assert.equal(delivery.lastStatusCode, 503);
        assert.equal(delivery.lastError, "http_503");
        assert.equal(typeof delivery.lastDurationMs, "number");
      }
      healthy = true;
      const target = all[0];
      const before = receiver.received.length;
      const redelivered = await call(
        service,
        admin,
        "POST",
        `/v1/webhooks/${id}/deliveries/${target.id}/redeliver`,
      );
      assert.equal(redelivered.status, 202);
      await until("the redelivery", () => receiver.received.length === before + 1);
      assert.equal(receiver.received.at(-1)!.headers.get("ticketd-event-id"), target.eventId);
      await until(
        "the log to say succeeded",
        async () => (await page("?status=succeeded")).deliveries[0]?.id === target.id,
      );
      const missing = await call(
        service,
        admin,
        "POST",
        `/v1/webhooks/${id}/deliveries/1/redeliver`,
      );
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).code, "delivery_not_found");
    } finally {
      await receiver.stop();
    }
  });
});

Deno.test("webhooks API - while the breaker holds an endpoint its pending deliveries show when it lets them go (heldByBreakerUntil, nextAttemptAt not before); a malformed delivery id is delivery_not_found", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks({
      TICKETD_WEBHOOKS_BREAKER_FAILURES: "1",
      TICKETD_WEBHOOKS_BREAKER_OPEN_MS: "120000",
      TICKETD_WEBHOOKS_RETRY_BASE_MS: "1000",
    });
    const receiver = startReceiver(() => 503);
    try {
      const admin = await bed.token("acme", "admin");
      const { id } = await (await call(service, admin, "POST", "/v1/webhooks", {
        url: receiver.url,
        eventTypes: ["ticket.priority_changed"],
      })).json();
      for (let i = 0; i < 2; i++) await bed.publishCommit("acme", String(20 + i));
      const log = async () =>
        (await (await call(service, admin, "GET", `/v1/webhooks/${id}/deliveries`)).json())
          .deliveries as { status: string; nextAttemptAt: string; heldByBreakerUntil: string }[];
      await until("a failed attempt and both queued", async () => {
        const rows = await log();
        return rows.length === 2 && service.dispatcher.breakerOf(id).state === "open";
      });
      for (const delivery of await log()) {
        assert.equal(delivery.status, "pending");
        assert.ok(delivery.heldByBreakerUntil, JSON.stringify(delivery));
        assert.equal(delivery.nextAttemptAt, delivery.heldByBreakerUntil);
        assert.ok(Date.parse(delivery.nextAttemptAt) > Date.now() + 60_000, delivery.nextAttemptAt);
      }
      const malformed = await call(
        service,
        admin,
        "POST",
        `/v1/webhooks/${id}/deliveries/abc/redeliver`,
      );
      assert.equal(malformed.status, 404);
      assert.equal((await malformed.json()).code, "delivery_not_found");
    } finally {
      await receiver.stop();
    }
  });
});

Deno.test("webhooks API - after a rotation both secrets sign until the overlap ends; the old one is then dropped", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks();
    const receiver = startReceiver();
    try {
      const admin = await bed.token("acme", "admin");
      const made = await (await call(service, admin, "POST", "/v1/webhooks", {
        url: receiver.url,
        eventTypes: ["ticket.*"],
      })).json();
      const rotated = await call(service, admin, "POST", `/v1/webhooks/${made.id}/rotate-secret`, {
        overlapSeconds: 60,
      });
      assert.equal(rotated.status, 200);
      const { secret, previousSecretExpiresAt } = await rotated.json();
      assert.notEqual(secret, made.secret);
      assert.ok(Date.parse(previousSecretExpiresAt) > Date.now() + 50_000);
      await bed.publishCommit("acme", "1");
      await until("the delivery", () => receiver.received.length === 1);
      const now = () => Math.floor(Date.now() / 1000);
      const [got] = receiver.received;
      const header = got.headers.get("ticketd-signature")!;
      assert.equal(header.split(",").filter((part) => part.startsWith("v1=")).length, 2);
      assert.equal(verifySignature(secret, header, got.body, now()), true);
      assert.equal(verifySignature(made.secret, header, got.body, now()), true);
      await call(service, admin, "POST", `/v1/webhooks/${made.id}/rotate-secret`, {
        overlapSeconds: 0,
      }).then((r) => r.json()).then(async ({ secret: newest }) => {
        await bed.publishCommit("acme", "2");
        await until("the second delivery", () => receiver.received.length === 2);
        const last = receiver.received[1];
        const signed = last.headers.get("ticketd-signature")!;
        assert.equal(signed.split(",").filter((part) => part.startsWith("v1=")).length, 1);
        assert.equal(verifySignature(newest, signed, last.body, now()), true);
        assert.equal(verifySignature(secret, signed, last.body, now()), false);
      });
    } finally {
      await receiver.stop();
    }
  });
});

Deno.test("webhooks API - probes and /metrics answer without a token and name no tenant; the outbox and collect errors show 0 before any event", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks();
    const ready = await service.fetch(new Request("http://webhooks.test/readyz"));
    assert.equal(ready.status, 200);
    await ready.body?.cancel();
    await until("the feeds to be leading", () => service.leading);
    const metrics = await (await service.fetch(new Request("http://webhooks.test/metrics"))).text();
    assert.match(
      metrics,
      /ticketd_projection_lag_messages\{projection="webhooks-outbox",stream="TICKETS"\} 0/,
    );
    assert.match(metrics, /ticketd_webhook_attempts_total/);
    for (const status of ["pending", "succeeded", "failed"]) {
      assert.match(metrics, new RegExp(`ticketd_webhook_deliveries\\{status="${status}"\\} 0\n`));
    }
    assert.match(metrics, /ticketd_metrics_collect_errors_total\{collector="webhook_outbox"\} 0\n/);
  });
});

Deno.test("webhooks - finished deliveries past their retention are deleted; pending ones stay", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks({
      TICKETD_WEBHOOKS_RETENTION_SECONDS: "1",
      TICKETD_WEBHOOKS_SWEEP_MS: "200",
      TICKETD_WEBHOOKS_RETRY_BASE_MS: "60000",
    });
    const healthy = startReceiver();
    const failing = startReceiver(() => 500);
    try {
      const admin = await bed.token("acme", "admin");
      for (const url of [healthy.url, failing.url]) {
        const made = await call(service, admin, "POST", "/v1/webhooks", {
          url,
          eventTypes: ["*"],
        });
        await made.body?.cancel();
      }
      await bed.publishCommit("acme", "1");
      await until(
        "both attempted",
        () => healthy.received.length === 1 && failing.received.length === 1,
      );
      await until("the succeeded one deleted", async () => {
        const rows = await bed.sql`select status from webhook_deliveries`;
        return rows.length === 1;
      });
      const [left] = await bed.sql`select status, attempts from webhook_deliveries`;
      assert.equal(left.status, "pending");
      assert.equal(left.attempts, 1);
    } finally {
      await healthy.stop();
      await failing.stop();
    }
  });
});

Deno.test("webhooks API - admin changes are ACTIVITY facts naming fields, never the URL or a secret", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks();
    const admin = await bed.token("acme", "admin", "admin-7");
    const url = "https://hooks.example.com/private-path?token=abc";
    const made = await (await call(service, admin, "POST", "/v1/webhooks", {
      url,
      eventTypes: ["sla.*"],
    })).json();
    const rotated = await (await call(
      service,
      admin,
      "POST",
      `/v1/webhooks/${made.id}/rotate-secret`,
      {},
    )).json();
    assert.equal((await call(service, admin, "DELETE", `/v1/webhooks/${made.id}`)).status, 204);
    const jsm = await bed.js.jetstreamManager();
    const facts = [];
    for (let seq = 1; seq <= 3; seq++) {
      const stored = await jsm.streams.getMessage("ACTIVITY", { seq });
      facts.push(decodeActivity(stored!.data));
    }
    assert.deepEqual(facts.map((f) => f.action), [
      "webhooks.webhook.created",
      "webhooks.secret.rotated",
      "webhooks.webhook.deleted",
    ]);
    for (const fact of facts) {
      assert.equal(fact.tenant, "acme");
      assert.equal(fact.actor.id, "admin-7");
      assert.deepEqual(fact.target, { type: "webhook", id: made.id });
    }
    assert.deepEqual(facts[0].changes, { url: true, eventTypes: ["sla.*"] });
    const text = JSON.stringify(facts);
    for (const secret of [made.secret, rotated.secret, "private-path", "token=abc"]) {
      assert.equal(text.includes(secret), false, secret);
    }
  });
});
