/**
 * The routing service end to end, beside the real tickets service on real NATS JetStream and
 * PostgreSQL: rules set priority, tags and group, an online agent with the right skills takes
 * the ticket, tickets wait when nobody fits and go back to the queue when their agent leaves,
 * SLA warnings are events that run escalation rules, and similar tickets are found.
 * @module
 */
import assert from "node:assert/strict";
import { ROUTING_STREAM, routingSubject } from "@ticketd/shared/events/routing.ts";
import {
  type Caller,
  createTicket,
  customerA,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";
import { eventually, type RoutingInstance, startRouting } from "./support/routing_harness.ts";
import type { Harness } from "./support/tickets_harness.ts";

const zhAgent: Caller = { sub: "agent-zh", role: "agent", tenant: "acme", groups: ["tier2"] };
const enAgent: Caller = { sub: "agent-en", role: "agent", tenant: "acme", groups: ["tier2"] };

const crashRule = {
  name: "crashes go to tier2, urgent",
  conditions: [{ type: "keywords", any: ["崩溃", "闪退", "crash"] }],
  actions: [
    { type: "set_priority", priority: "urgent" },
    { type: "add_tags", tags: ["crash"] },
    { type: "set_group", groupId: "tier2" },
  ],
};

async function ok(response: Response, status = 200): Promise<Record<string, unknown>> {
  const json = await response.json();
  assert.equal(response.status, status, JSON.stringify(json));
  return json;
}

async function agentProfile(r: RoutingInstance, id: string, languages: string[]) {
  await ok(
    await r.call(supervisorA, "PUT", `/v1/routing/agents/${id}`, {
      displayName: id,
      skills: [],
      languages,
      groups: ["tier2"],
      capacity: 5,
    }),
    201,
  ).catch(async () => {}); // 200 on an update
}

/** The ticket from the read model (fields absent until it is projected). */
async function ticketOf(h: Harness, id: string) {
  const response = await h.call(supervisorA, "GET", `/v1/tickets/${id}`);
  return response.status === 200 ? await response.json() : { tags: [] };
}

async function assignedTo(h: Harness, id: string, agentId: string | null) {
  return await eventually(`ticket ${id} assigned to ${agentId}`, async () => {
    const ticket = await ticketOf(h, id);
    return ticket.assigneeId === agentId ? ticket : undefined;
  });
}

function withRouting(fn: (h: Harness, r: RoutingInstance) => Promise<void>) {
  return () =>
    withHarness(async (h) => {
      const r = await startRouting(h);
      try {
        await fn(h, r);
      } finally {
        await r.stop();
      }
    });
}

Deno.test(
  "a Chinese crash report is made urgent, tagged, grouped and given to the online zh agent",
  withRouting(async (h, r) => {
    await ok(await r.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
    await agentProfile(r, "agent-zh", ["zh"]);
    await agentProfile(r, "agent-en", ["en"]);
    await ok(await r.call(zhAgent, "PUT", "/v1/routing/presence", { status: "online" }));
    await ok(await r.call(enAgent, "PUT", "/v1/routing/presence", { status: "online" }));
    const created = await createTicket(h, customerA, {
      subject: "应用问题",
      body: "打开大文件时崩溃了",
    });
    const ticket = await assignedTo(h, created.id, "agent-zh");
    await r.service.router.settled();
    assert.equal(ticket.priority, "urgent");
    assert.deepEqual(ticket.tags, ["crash"]);
    assert.equal(ticket.groupId, "tier2");
    const decision = await ok(
      await r.call(supervisorA, "GET", `/v1/routing/tickets/${created.id}/decision`),
    );
    assert.equal(decision.outcome, "sent");
    assert.ok((decision.reasons as string[]).some((reason) => reason.includes("agent agent-zh")));
    const history = await (await h.call(supervisorA, "GET", `/v1/tickets/${created.id}/history`))
      .json();
    const routed = history.entries.filter((e: { actor: { id: string } }) =>
      e.actor.id === "svc:routing"
    );
    assert.ok(routed.length >= 1);
  }),
);

Deno.test(
  "with nobody online the ticket waits in its group, and goes to the first agent who comes online",
  withRouting(async (h, r) => {
    await ok(await r.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
    await agentProfile(r, "agent-en", ["en"]);
    const created = await createTicket(h, customerA, { subject: "App crash on start" });
    await eventually("the ticket in tier2", async () => {
      const ticket = await ticketOf(h, created.id);
      return ticket.groupId === "tier2" ? ticket : undefined;
    });
    assert.equal((await ticketOf(h, created.id)).assigneeId, null);
    await ok(await r.call(enAgent, "PUT", "/v1/routing/presence", { status: "online" }));
    await assignedTo(h, created.id, "agent-en");
  }),
);

Deno.test(
  "an agent going offline puts their unattended tickets back, and another online agent takes them",
  withRouting(async (h, r) => {
    await ok(await r.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
    await agentProfile(r, "agent-zh", ["zh"]);
    await ok(await r.call(zhAgent, "PUT", "/v1/routing/presence", { status: "online" }));
    const created = await createTicket(h, customerA, { subject: "crash", body: "crash again" });
    await assignedTo(h, created.id, "agent-zh");
    await agentProfile(r, "agent-en", ["en"]);
    await ok(await r.call(enAgent, "PUT", "/v1/routing/presence", { status: "online" }));
    await ok(await r.call(zhAgent, "PUT", "/v1/routing/presence", { status: "offline" }));
    await assignedTo(h, created.id, "agent-en");
  }),
);

Deno.test(
  "two routing instances at once never assign a ticket twice",
  withRouting(async (h, first) => {
    const second = await startRouting(h);
    try {
      await ok(await first.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
      await agentProfile(first, "agent-zh", ["zh"]);
      await agentProfile(first, "agent-en", ["en"]);
      await ok(await first.call(zhAgent, "PUT", "/v1/routing/presence", { status: "online" }));
      await ok(await second.call(enAgent, "PUT", "/v1/routing/presence", { status: "online" }));
      const tickets = await Promise.all(
        Array.from({ length: 8 }, (_, i) => createTicket(h, customerA, { subject: `crash ${i}` })),
      );
      for (const t of tickets) {
        await eventually(`ticket ${t.id} assigned`, async () => {
          const ticket = await ticketOf(h, t.id);
          return ticket.assigneeId ? ticket : undefined;
        });
      }
      await Promise.all([first.service.router.settled(), second.service.router.settled()]);
      const loads = new Map<string, number>();
      for (const t of tickets) {
        const history = await (await h.call(supervisorA, "GET", `/v1/tickets/${t.id}/history`))
          .json();
        const assignments = history.entries.flatMap((
          e: { events: { type: string; assigneeId: string | null }[] },
        ) => e.events.filter((event) => event.type === "TicketAssigned" && event.assigneeId));
        assert.equal(assignments.length, 1, `ticket ${t.id}: ${JSON.stringify(assignments)}`);
        const agent = assignments[0].assigneeId!;
        loads.set(agent, (loads.get(agent) ?? 0) + 1);
      }
      assert.ok([...loads.values()].every((load) => load <= 5), JSON.stringify([...loads]));
    } finally {
      await second.stop();
    }
  }),
);

Deno.test(
  "an SLA warning is stored once as an event and runs the escalation rule",
  withRouting(async (h, r) => {
    await ok(
      await r.call(supervisorA, "PUT", "/v1/routing/sla/policies", {
        policies: { normal: { firstResponseMinutes: 1, resolutionMinutes: 60, warnAtPercent: 2 } },
      }),
    );
    await ok(
      await r.call(supervisorA, "POST", "/v1/routing/rules", {
        name: "at risk",
        when: ["sla_warning"],
        actions: [{ type: "add_tags", tags: ["sla-risk"] }],
      }),
      201,
    );
    const created = await createTicket(h, customerA, { subject: "Where is my order?" });
    await eventually("the sla-risk tag", async () => {
      const ticket = await ticketOf(h, created.id);
      return ticket.tags.includes("sla-risk") ? ticket : undefined;
    });
    const stored = await h.jsm.streams.getMessage(ROUTING_STREAM, {
      last_by_subj: routingSubject("acme", created.id),
    });
    assert.equal(stored?.json<{ type: string }>().type, "SlaWarningIssued");
    const clocks = await ok(
      await r.call(supervisorA, "GET", `/v1/routing/sla/tickets/${created.id}`),
    );
    assert.ok(JSON.stringify(clocks).includes("first_response") || "firstResponse" in clocks);
  }),
);

Deno.test(
  "similar tickets: the closest past ticket of the tenant comes first",
  withRouting(async (h, r) => {
    const printer = await createTicket(h, customerA, {
      subject: "Printer jams on duplex pages",
      body: "The office printer jams whenever I print duplex pages.",
    });
    await createTicket(h, customerA, { subject: "Password reset", body: "I forgot my password." });
    const again = await createTicket(h, customerA, {
      subject: "Duplex printing jams the printer",
      body: "Printing duplex pages jams the printer every time.",
    });
    const similar = await eventually("similar tickets", async () => {
      const json = await ok(
        await r.call(supervisorA, "GET", `/v1/routing/tickets/${again.id}/similar`),
      );
      const items = json.items as { ticketId: string }[];
      return items.length > 0 ? items : undefined;
    });
    assert.equal(similar[0].ticketId, printer.id);
    assert.ok(similar.every((item) => item.ticketId !== again.id));
  }),
);

Deno.test(
  "the dry run says which rule fires for a stored ticket and why",
  withRouting(async (h, r) => {
    await ok(await r.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
    const created = await createTicket(h, customerA, { subject: "闪退", body: "每次打开都闪退" });
    await r.service.router.settled();
    const dryRun = await ok(
      await r.call(supervisorA, "POST", "/v1/routing/rules/dry-run", {
        ticketId: created.id,
        trigger: "updated",
      }),
    );
    const [rule] = dryRun.rules as { fired: boolean; reason: string }[];
    assert.equal(rule.fired, true);
    assert.match(rule.reason, /闪退/);
  }),
);

Deno.test(
  "a routing instance that was stopped routes what arrived meanwhile when it starts again",
  () =>
    withHarness(async (h) => {
      let r = await startRouting(h);
      await ok(await r.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
      await createTicket(h, customerA, { subject: "warm-up" });
      await r.service.router.settled();
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // the position is saved each second
      await r.stop();
      const created = await createTicket(h, customerA, { subject: "crash while routing was down" });
      r = await startRouting(h);
      try {
        await eventually("the ticket routed after the restart", async () => {
          const ticket = await ticketOf(h, created.id);
          return ticket.priority === "urgent" ? ticket : undefined;
        });
      } finally {
        await r.stop();
      }
    }),
);

Deno.test(
  "a person's change is not undone by a rule that runs on updates",
  withRouting(async (h, r) => {
    await ok(await r.call(supervisorA, "POST", "/v1/routing/rules", crashRule), 201);
    const created = await createTicket(h, customerA, { subject: "crash on save" });
    await eventually("the rule's priority", async () => {
      const ticket = await ticketOf(h, created.id);
      return ticket.priority === "urgent" ? ticket : undefined;
    });
    await r.service.router.settled();
    const lowered = await h.call(supervisorA, "PUT", `/v1/tickets/${created.id}/priority`, {
      priority: "low",
    });
    assert.equal(lowered.status, 200);
    const { version } = await lowered.json();
    await eventually("routing saw the change", () => {
      const seen = r.service.router.ticket("acme", created.id);
      return Promise.resolve(seen && seen.version >= version ? seen : undefined);
    });
    await r.service.router.settled();
    assert.equal(r.service.router.ticket("acme", created.id)?.priority, "low");
  }),
);
