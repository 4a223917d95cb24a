import assert from "node:assert/strict";
import { withFeed } from "./feed_harness.ts";
import { alarm, assigned, commitOf, created, posted, SECRET_TEXT } from "./testing.ts";

const kinds = (ns: { kind: string; ticketId?: string }[]) =>
  ns.map((n) => `${n.kind}:${n.ticketId}`);

Deno.test(
  "NotificationFeed - an assignment reaches the assignee's inbox with the source sequence",
  () =>
    withFeed(async (h) => {
      const agent = await h.inbox("acme", "agent-7");
      const seq = await h.commit(
        commitOf("42", [assigned("agent-7", "billing")], { actorId: "sup-1" }),
      );
      const [n] = await agent.waitFor(1);
      assert.deepEqual([n.kind, n.agentId, n.ticketId, n.sourceSeq], [
        "assigned",
        "agent-7",
        "42",
        seq,
      ]);
    }),
);

Deno.test(
  "NotificationFeed - a reply on an agent's ticket notifies them, their own does not",
  () =>
    withFeed(async (h) => {
      const agent = await h.inbox("acme", "agent-7");
      await h.commit(commitOf("42", created("42", "agent-7")));
      await h.commit(commitOf("42", [posted("501", "agent-7", "agent")], { actorId: "agent-7" }));
      await h.commit(commitOf("42", [posted("502", "customer-1", "customer")]));
      const got = await agent.waitFor(2);
      assert.deepEqual(kinds(got), ["assigned:42", "reply:42"]);
      assert.equal(got[1].data.messageId, "502");
    }),
);

Deno.test(
  "NotificationFeed - a ticket assigned before the feed started is looked up in its history",
  () =>
    withFeed(async (h) => {
      await h.feed.stop(); // the assignment happens while no feed runs
      await h.commit(commitOf("43", created("43", "agent-7")));
      const feed = await h.startAnotherFeed();
      const agent = await h.inbox("acme", "agent-7");
      await h.commit(commitOf("43", [posted("503", "customer-1", "customer")]));
      const [n] = await agent.waitFor(1);
      assert.deepEqual([n.kind, n.ticketId], ["reply", "43"]);
      assert.equal(feed.counts.lookups, 1);
    }),
);

Deno.test(
  "NotificationFeed - SLA alarms go to the assignee, or the group of an unassigned ticket",
  () =>
    withFeed(async (h) => {
      const agent = await h.inbox("acme", "agent-7", ["billing"]);
      const other = await h.inbox("acme", "agent-8", ["billing"]);
      await h.commit(commitOf("44", created("44", "agent-7", "billing")));
      await h.commit(commitOf("45", created("45", null, "billing")));
      await h.alarm(alarm("SlaWarningIssued", "44"));
      await h.alarm(alarm("SlaBreached", "45"));
      const got = await agent.waitFor(3);
      assert.deepEqual(kinds(got), ["assigned:44", "sla_warning:44", "sla_breached:45"]);
      assert.equal(got[2].groupId, "billing");
      assert.deepEqual(kinds(await other.waitFor(1)), ["sla_breached:45"]);
    }),
);

Deno.test(
  "NotificationFeed - presence reaches the agents of the same tenant only",
  () =>
    withFeed(async (h) => {
      const teammate = await h.inbox("acme", "agent-8");
      const stranger = await h.inbox("other", "agent-9");
      const change = {
        tenant: "acme",
        agentId: "agent-7",
        status: "away",
        at: "2025-03-01T10:00:00.000Z",
      };
      await h.presence("routing.presence.acme.agent-7", change);
      const [n] = await teammate.waitFor(1);
      assert.deepEqual([n.kind, n.team, n.data.presenceOf, n.data.status], [
        "presence",
        true,
        "agent-7",
        "away",
      ]);
      // A body claiming another tenant than its subject is not believed.
      await h.presence("routing.presence.other.agent-7", change);
      await h.presence("routing.presence.other.agent-10", {
        ...change,
        tenant: "other",
        agentId: "agent-10",
      });
      const [own] = await stranger.waitFor(1);
      assert.equal(own.data.presenceOf, "agent-10");
      assert.equal(h.feed.counts.undecodable, 1);
    }),
);

Deno.test(
  "NotificationFeed - an agent of another tenant with the same id never gets a notification",
  () =>
    withFeed(async (h) => {
      const stranger = await h.inbox("other", "agent-7", ["billing"]);
      await h.commit(commitOf("46", created("46", "agent-7", "billing")));
      await h.commit(commitOf("46", [posted("504", "customer-1", "customer")]));
      await h.commit(commitOf("47", created("47", null, "billing")));
      await h.alarm(alarm("SlaBreached", "47"));
      await h.commit(commitOf("48", created("48", "agent-7"), { tenant: "other" }));
      const got = await stranger.waitFor(1);
      assert.deepEqual(kinds(got), ["assigned:48"]);
      assert.equal(got[0].tenant, "other");
    }),
);

Deno.test(
  "NotificationFeed - notifications carry no ticket text",
  () =>
    withFeed(async (h) => {
      const raw: string[] = [];
      const sub = h.nc.subscribe("sessions.notify.>", {
        callback: (_e, m) => void raw.push(m.string()),
      });
      const agent = await h.inbox("acme", "agent-7");
      await h.commit(commitOf("49", created("49", "agent-7")));
      await h.commit(commitOf("49", [posted("505", "customer-1", "customer", true)]));
      await agent.waitFor(2);
      sub.unsubscribe();
      assert.equal(raw.length, 2);
      for (const text of raw) {
        assert.equal(text.includes(SECRET_TEXT), false);
        assert.equal(/"(subject|body)"/.test(text), false);
      }
    }),
);

Deno.test(
  "NotificationFeed - the same source event notifies an agent once",
  () =>
    withFeed(async (h) => {
      const agent = await h.inbox("acme", "agent-7");
      await h.startAnotherFeed(); // two sessions instances publish every notification
      await h.commit(commitOf("50", created("50", "agent-7")));
      await h.alarm(alarm("SlaBreached", "50"), "first");
      await h.alarm(alarm("SlaBreached", "50"), "stored-again"); // the same alarm, stored twice
      const change = {
        tenant: "acme",
        agentId: "agent-8",
        status: "online",
        at: "2025-03-01T10:00:00.000Z",
      };
      await h.presence("routing.presence.acme.agent-8", change); // two routing instances
      await h.presence("routing.presence.acme.agent-8", change);
      await h.commit(commitOf("51", created("51", "agent-7"))); // the sentinel
      const got = await agent.waitFor(4);
      await new Promise((done) => setTimeout(done, 100)); // a late duplicate would land now
      // Once each; presence (core NATS) and the alarms (ROUTING) are not ordered with each other.
      assert.deepEqual(kinds(got).sort(), [
        "assigned:50",
        "assigned:51",
        "presence:undefined",
        "sla_breached:50",
      ]);
      assert.ok(h.feed.counts.duplicates >= 1);
    }),
);
