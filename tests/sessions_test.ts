/**
 * The sessions service end to end, beside the real tickets service (and routing) on real NATS
 * JetStream and PostgreSQL, with the built-in FAQ bot in its permission-limited worker: a customer
 * chats over a WebSocket, the bot answers, a request for a human opens a ticket with the
 * transcript, the agent it is assigned to is told, joins with the whole transcript, and an idle
 * conversation is archived into its ticket.
 * @module
 */
import assert from "node:assert/strict";
import { customerA, type Harness, supervisorA, withHarness } from "./support/tickets_harness.ts";
import { eventually, startRouting } from "./support/routing_harness.ts";
import { startSessions } from "./support/sessions_harness.ts";
import type { Caller } from "./support/tickets_harness.ts";

const agent: Caller = { sub: "agent-7", role: "agent", tenant: "acme", groups: ["chat"] };

async function chatTicket(h: Harness, conversationId: string) {
  return await eventually("the chat ticket", async () => {
    const response = await h.call(
      supervisorA,
      "GET",
      `/v1/tickets?tag=${encodeURIComponent(`chat:${conversationId}`)}`,
    );
    const { tickets } = await response.json();
    return tickets?.length ? tickets[0] : undefined;
  });
}

Deno.test("a customer chats with the FAQ bot, asks for a human, and an agent joins the ticket's conversation", () =>
  withHarness(async (h) => {
    const routing = await startRouting(h);
    const sessions = await startSessions(h);
    try {
      await routing.call(supervisorA, "POST", "/v1/routing/rules", {
        name: "chats to the chat desk",
        conditions: [{ type: "tags", op: "has", tags: ["chat"] }],
        actions: [{ type: "set_group", groupId: "chat" }],
      }).then((r) => r.body?.cancel());
      await routing.call(supervisorA, "PUT", "/v1/routing/agents/agent-7", {
        displayName: "Agent 7",
        skills: [],
        languages: ["zh", "en"],
        groups: ["chat"],
        capacity: 5,
      }).then((r) => r.body?.cancel());
      await routing.call(agent, "PUT", "/v1/routing/presence", { status: "online" })
        .then((r) => r.body?.cancel());
      const staff = await sessions.socket(agent);

      const customer = await sessions.socket(customerA);
      customer.send({ type: "open" });
      const opened = await customer.next((f) => f.type === "opened");
      const conversationId = opened.conversation?.conversationId ?? opened.conversationId;
      assert.match(conversationId, /^[1-9][0-9]+$/);
      customer.send({ type: "message", conversationId, text: "How do I reset my password?" });
      const answer = await customer.next(
        (f) => f.type === "event" && f.event.type === "message" && f.event.from.role === "bot",
        15_000,
      );
      assert.ok(answer.event.text.length > 20);

      customer.send({ type: "message", conversationId, text: "我要人工客服" });
      const handedOff = await customer.next(
        (f) => f.type === "event" && f.event.type === "handed_off",
        15_000,
      );
      assert.deepEqual(handedOff.event.from, { role: "bot", id: "faq" }, "the bot's hand-off");
      assert.equal("ip" in handedOff.event, false, "no source address is sent to participants");
      const ticket = await chatTicket(h, conversationId);
      assert.equal(ticket.requesterId, customerA.sub);

      // Routing assigns the chat ticket to the online agent, who is told over their socket.
      const pushed = await staff.next(
        (f) => f.type === "notification" && f.notification.kind === "assigned",
        15_000,
      );
      assert.equal(pushed.notification.ticketId, ticket.id);

      // The agent joins with the whole transcript, and their reply reaches the customer.
      const joined = await sessions.call(
        agent,
        "POST",
        `/v1/sessions/conversations/${conversationId}/join`,
      );
      assert.equal(joined.status, 200, await joined.clone().text());
      staff.send({ type: "attach", conversationId, afterSeq: 0 });
      const replayed = await staff.until(
        (f) => f.type === "event" && f.event.type === "joined" && f.event.from.role === "agent",
        5_000,
      );
      const texts = replayed.filter((f) => f.type === "event" && f.event.type === "message")
        .map((f) => f.event.text);
      assert.equal(texts[0], "How do I reset my password?");
      assert.ok(texts.includes("我要人工客服"));
      staff.send({ type: "message", conversationId, text: "Hi, I am here to help." });
      const reply = await customer.next(
        (f) => f.type === "event" && f.event.type === "message" && f.event.from.role === "agent",
        5_000,
      );
      assert.equal(reply.event.text, "Hi, I am here to help.");
      customer.socket.close();
      staff.socket.close();
      await Promise.all([customer.closed, staff.closed]);
    } finally {
      await sessions.stop();
      await routing.stop();
    }
  }));

Deno.test("a conversation nobody answered becomes a ticket with its transcript when it expires", () =>
  withHarness(async (h) => {
    const sessions = await startSessions(h, { expiryMs: 1_500, bot: "" });
    try {
      const opened = await sessions.call(customerA, "POST", "/v1/sessions/conversations", {});
      assert.equal(opened.status, 201);
      const { conversationId } = await opened.json();
      const said = await sessions.call(
        customerA,
        "POST",
        `/v1/sessions/conversations/${conversationId}/messages`,
        { text: "Is anyone there? My order 4711 never arrived." },
      );
      assert.equal(said.status, 201, await said.clone().text());
      const ticket = await chatTicket(h, conversationId);
      const full = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}`)).json();
      assert.ok(JSON.stringify(full.messages).includes("order 4711 never arrived"));
      // With no bot, the first message hands off; the expiry then archives the transcript.
      await eventually("the transcript archived", async () => {
        const now = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}`)).json();
        const notes = (now.messages ?? []).filter((m: { internal: boolean }) => m.internal);
        return notes.length > 0 ? notes : undefined;
      }, 15_000);
      const gone = await sessions.call(
        customerA,
        "GET",
        `/v1/sessions/conversations/${conversationId}`,
      );
      assert.equal(gone.status, 404);
      await gone.body?.cancel();
    } finally {
      await sessions.stop();
    }
  }));

Deno.test("a chat closed by its agent is archived into its ticket, and a resume point past the end still gets what follows", () =>
  withHarness(async (h) => {
    const sessions = await startSessions(h, { bot: "" });
    try {
      const opened = await sessions.call(customerA, "POST", "/v1/sessions/conversations", {});
      const { conversationId } = await opened.json();
      const path = `/v1/sessions/conversations/${conversationId}`;
      await sessions.call(customerA, "POST", `${path}/messages`, { text: "My parcel is late" })
        .then((r) => r.body?.cancel());
      const ticket = await chatTicket(h, conversationId);
      await sessions.call(agent, "POST", `${path}/join`).then((r) => r.body?.cancel());
      const watcher = await sessions.socket(customerA);
      watcher.send({ type: "attach", conversationId, afterSeq: 999 });
      await watcher.next((f) => f.type === "attached");
      await sessions.call(agent, "POST", `${path}/messages`, { text: "Tracking code 7781 sent" })
        .then((r) => r.body?.cancel());
      const live = await watcher.next(
        (f) => f.type === "event" && f.event.type === "message",
        5_000,
      );
      assert.equal(live.event.text, "Tracking code 7781 sent");
      const closed = await sessions.call(agent, "POST", `${path}/close`);
      assert.equal(closed.status, 200, await closed.clone().text());
      await eventually("the transcript on the ticket", async () => {
        const now = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}`)).json();
        const notes = (now.messages ?? []).filter((m: { internal: boolean; body: string }) =>
          m.internal && m.body.includes("Tracking code 7781 sent")
        );
        return notes.length > 0 ? notes : undefined;
      });
      watcher.socket.close();
      await watcher.closed;
    } finally {
      await sessions.stop();
    }
  }));
