/**
 * Webhook deliveries end to end on a private nats-server and PostgreSQL with real HTTP
 * receivers on 127.0.0.1: signed, retried with back-off, never blocked by a dead endpoint,
 * de-duplicated by event id across a restart, only to the tenant's own enabled hooks.
 * @module
 */
import assert from "node:assert/strict";
import { verifySignature } from "../services/webhooks/domain/signature.ts";
import {
  call,
  startBlackHole,
  startReceiver,
  startWebhooksTestBed,
  until,
  type WebhooksTestBed,
} from "../services/webhooks/testing.ts";
import type { WebhooksService } from "../services/webhooks/service.ts";

async function subscribe(
  bed: WebhooksTestBed,
  service: WebhooksService,
  tenant: string,
  url: string,
  eventTypes = ["ticket.*"],
): Promise<{ id: string; secret: string }> {
  const response = await call(service, await bed.token(tenant, "admin"), "POST", "/v1/webhooks", {
    url,
    eventTypes,
  });
  assert.equal(response.status, 201);
  return await response.json();
}

async function withBed(fn: (bed: WebhooksTestBed) => Promise<void>): Promise<void> {
  const bed = await startWebhooksTestBed();
  try {
    await fn(bed);
  } finally {
    await bed.stop();
  }
}

Deno.test("webhooks - an event reaches its receiver signed with the secret shown once, named by a stable event id", async () => {
  await withBed(async (bed) => {
    const service = await bed.startWebhooks();
    const receiver = startReceiver();
    try {
      const hook = await subscribe(bed, service, "acme", receiver.url);
      assert.match(hook.secret, /^whsec_/);
      const seq = await bed.publishCommit("acme", "42");
      await until("the delivery", () => receiver.received.length === 1);
      const [got] = receiver.received;
      const eventId = got.headers.get("ticketd-event-id");
      assert.equal(eventId, `TICKETS:${seq}:0`);
      const signature = got.headers.get("ticketd-signature")!;
      assert.equal(
        verifySignature(hook.secret, signature, got.body, Math.floor(Date.now() / 1000)),
        true,
      );
      const payload = JSON.parse(got.body);
      assert.equal(payload.id, eventId);
      assert.equal(payload.type, "ticket.priority_changed");
      assert.equal(payload.tenant, "acme");
      assert.equal(payload.ticketId, "42");
      assert.deepEqual(payload.data, { from: "normal", to: "high" });
      // The table keeps the secret sealed, never in the clear.
      const rows = await bed.sql`select * from webhook_subscriptions`;
      assert.equal(JSON.stringify(rows).includes(hook.secret.slice(6)), false);
    } finally {
      await receiver.stop();
    }
  });
});
