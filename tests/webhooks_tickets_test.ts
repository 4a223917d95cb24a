/**
 * Webhooks beside a real tickets service (in this process, on a private nats-server and
 * PostgreSQL): a customer's ticket and reply reach the tenant's hook as ids and field names,
 * and neither the payload posted nor the outbox row holds a word of the ticket's text.
 * @module
 */
import assert from "node:assert/strict";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { adminA, createTicket, customerA, withHarness } from "./support/tickets_harness.ts";
import { loadWebhooksConfig } from "../services/webhooks/config.ts";
import { startWebhooksService } from "../services/webhooks/service.ts";
import { call, startReceiver, TEST_ENV, until } from "../services/webhooks/testing.ts";

Deno.test("webhooks beside tickets - a ticket and its reply arrive as ids and field names, never their text", async () => {
  await withHarness(async (h) => {
    const webhooks = await startWebhooksService(loadWebhooksConfig(TEST_ENV), {
      nc: h.nc,
      sql: h.sql,
      keyring: h.keyring,
      profiles: h.config.profiles,
      verify: h.verify,
      ticketStream: h.config.stream.name,
      log: createLogger("error", { service: "webhooks-test" }),
      activity: h.config.activity,
      address: {},
      leaseRetryMs: 200,
    });
    const receiver = startReceiver();
    try {
      const made = await call(webhooks, await h.token(adminA), "POST", "/v1/webhooks", {
        url: receiver.url,
        eventTypes: ["ticket.created", "ticket.message_posted"],
      });
      assert.equal(made.status, 201);
      await made.body?.cancel();
      await until(
        "the ticket feed",
        async () =>
          (await h.sql`select 1 from webhook_feed_positions where stream = ${h.config.stream.name}`)
            .length === 1,
      );
      const ticket = await createTicket(h, customerA, {
        subject: "Printer on fire",
        body: "It is on fire. Please help.",
      });
      const reply = await h.call(customerA, "POST", `/v1/tickets/${ticket.id}/messages`, {
        body: "Still burning, smoke everywhere",
      });
      assert.equal(reply.status, 200);
      await reply.body?.cancel();
      await until("both events", () => receiver.received.length >= 3);
      const payloads = receiver.received.map((r) => JSON.parse(r.body));
      const created = payloads.find((p) => p.type === "ticket.created");
      assert.equal(created.ticketId, ticket.id);
      assert.equal(created.tenant, "acme");
      assert.ok(created.sealedFields.includes("subject"));
      assert.equal(created.meta.actorId, customerA.sub);
      const posted = payloads.filter((p) => p.type === "ticket.message_posted");
      assert.ok(posted.length >= 2); // the opening message and the reply
      for (const p of posted) assert.deepEqual(p.sealedFields, ["body"]);
      const words = ["Printer", "fire", "burning", "smoke"];
      for (const r of receiver.received) {
        for (const word of words) assert.equal(r.body.includes(word), false, word);
      }
      const rows = await h.sql<{ payload: string }[]>`select payload from webhook_deliveries`;
      for (const row of rows) {
        for (const word of words) assert.equal(row.payload.includes(word), false, word);
      }
    } finally {
      await receiver.stop();
      await webhooks.stop();
    }
  });
});
