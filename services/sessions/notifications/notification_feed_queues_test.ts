import assert from "node:assert/strict";
import { withFeed } from "./feed_harness.ts";
import { assigned, commitOf, created, posted } from "./testing.ts";

const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));
const solved = {
  type: "TicketStatusChanged" as const,
  data: { from: "new", to: "solved" } as const,
};

Deno.test(
  "NotificationFeed - a new unassigned ticket reaches the agents who see its queue, and no one else",
  () =>
    withFeed(async (h) => {
      const billing = await h.inbox("acme", "agent-7", ["billing"], { queues: "groups" });
      const support = await h.inbox("acme", "agent-8", ["support"], { queues: "groups" });
      const lead = await h.inbox("acme", "sup-1", [], { queues: "tenant" });
      const stranger = await h.inbox("other", "agent-9", ["billing"], { queues: "tenant" });
      await h.commit(commitOf("60", created("60", null)));
      for (const inbox of [billing, support, lead]) {
        const [n] = await inbox.waitFor(1);
        assert.deepEqual([n.kind, n.ticketId, n.queue, n.data.changes], [
          "queue",
          "60",
          { groupId: null },
          1,
        ]);
      }
      await h.commit(commitOf("61", created("61", null, "billing")));
      assert.deepEqual((await billing.waitFor(2))[1].queue, { groupId: "billing" });
      assert.deepEqual((await lead.waitFor(2))[1].queue, { groupId: "billing" });
      await settle(300);
      assert.equal(support.received.length, 1, "billing's queue is not support's");
      assert.equal(stranger.received.length, 0, "another tenant hears nothing");
    }),
);

Deno.test(
  "NotificationFeed - a ticket leaving the queue (assigned, solved) is pushed so counts go down",
  () =>
    withFeed(async (h) => {
      const other = await h.inbox("acme", "agent-8", ["billing"], { queues: "groups" });
      await h.commit(commitOf("62", created("62", null, "billing")));
      await other.waitFor(1);
      await h.commit(commitOf("62", [assigned("agent-7", "billing")], { actorId: "agent-7" }));
      assert.equal((await other.waitFor(2))[1].ticketId, "62");
      await h.commit(commitOf("62", [solved], { actorId: "agent-7", actorRole: "agent" }));
      const [, , left] = await other.waitFor(3);
      assert.deepEqual([left.kind, left.ticketId], ["queue", "62"]);
    }),
);

Deno.test(
  "NotificationFeed - a custom status set on a queued ticket is pushed to its queue, a tag is not",
  () =>
    withFeed(async (h) => {
      const other = await h.inbox("acme", "agent-8", ["billing"], { queues: "groups" });
      await h.commit(commitOf("64", created("64", null, "billing")));
      await other.waitFor(1);
      const tagged = { type: "TicketTagsChanged" as const, data: { added: ["vip"], removed: [] } };
      await h.commit(commitOf("64", [tagged], { actorId: "agent-7", actorRole: "agent" }));
      const vendor = {
        type: "TicketStatusChanged" as const,
        data: { from: "new", to: "pending", customStatusId: "900" } as const,
      };
      await h.commit(commitOf("64", [vendor], { actorId: "agent-7", actorRole: "agent" }));
      const [, pushed] = await other.waitFor(2);
      assert.deepEqual([pushed.kind, pushed.ticketId, pushed.queue], ["queue", "64", {
        groupId: "billing",
      }]);
      await settle(300);
      assert.equal(other.received.length, 2, "the tag change pushed nothing");
    }),
);

Deno.test(
  "NotificationFeed - queue changes within the window are one notification per queue",
  () =>
    withFeed(async (h) => {
      const agent = await h.inbox("acme", "agent-7", ["billing"], { queues: "groups" });
      const raw: string[] = [];
      const sub = h.nc.subscribe("sessions.notify.acme.queue.>", {
        callback: (_e, m) => void raw.push(m.subject),
      });
      for (let i = 70; i < 90; i++) {
        await h.commit(commitOf(String(i), created(String(i), null, "billing")));
      }
      const [n] = await agent.waitFor(1, 5_000);
      await settle(300);
      sub.unsubscribe();
      // 20 commits in well under the 2 s window: one message on the group's subject.
      assert.deepEqual(raw, ["sessions.notify.acme.queue.group.billing"]);
      assert.deepEqual([n.data.changes, n.ticketId], [20, undefined]);
      assert.equal(agent.received.length, 1);
    }, 2_000),
);

Deno.test(
  "NotificationFeed - a requester hears support's public reply and status change, never a note",
  () =>
    withFeed(async (h) => {
      const customer = await h.inbox("acme", "customer-1", [], { role: "customer" });
      const another = await h.inbox("acme", "customer-2", [], { role: "customer" });
      await h.commit(commitOf("63", created("63", "agent-7")));
      const agent = { actorId: "agent-7", actorRole: "agent" as const };
      await h.commit(commitOf("63", [posted("601", "agent-7", "agent", true)], agent));
      await h.commit(commitOf("63", [posted("602", "agent-7", "agent")], agent));
      await h.commit(commitOf("63", [solved], agent));
      const got = await customer.waitFor(2);
      assert.deepEqual(got.map((n) => [n.kind, n.ticketId, n.customerId]), [
        ["reply", "63", "customer-1"],
        ["status", "63", "customer-1"],
      ]);
      assert.equal(got[0].data.messageId, "602", "the public reply, not the note");
      await settle(200);
      assert.equal(customer.received.length, 2);
      assert.equal(another.received.length, 0, "another customer hears nothing");
    }),
);
