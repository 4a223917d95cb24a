import assert from "node:assert/strict";
import type { SendTicketCommand } from "@ticketd/shared/commands/ticket_command_client.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { BotDesk, SERVICE_BOT_ID } from "./bot_desk.ts";
import type { PluginHost } from "./bots/plugin_host.ts";
import { withHost } from "./bots/testing.ts";
import type { ConversationEvent } from "./conversation_port.ts";
import { MemoryConversations } from "./testing/memory_conversations.ts";
import { TicketDesk } from "./ticket_desk.ts";

/** The tickets service's side of a hand-off: every open gets ticket 900. */
const ticketsOpened: SendTicketCommand = () =>
  Promise.resolve({ ok: true, ticketId: "900", version: 1, duplicate: false, changed: true });

/** The customer says something; resolves with the conversation's log once the turn is over. */
async function afterOneTurn(bots: PluginHost | null, bot: string): Promise<ConversationEvent[]> {
  const conversations = new MemoryConversations();
  let id = 5000;
  const desk = new BotDesk({
    conversations,
    bots,
    bot,
    tickets: new TicketDesk(ticketsOpened, 10_000),
    transcriptMessages: 5,
    log: createLogger("error", { service: "sessions" }),
    nextId: () => String(id++),
  });
  const state = await desk.open("1", "cust-1");
  await desk.append("1", state.conversationId, {
    type: "message",
    from: { role: "customer", id: "cust-1" },
    messageId: "4000",
    text: "hello",
  });
  while (desk.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  return (await conversations.readLog(state)).events;
}

function handOffOf(events: ConversationEvent[]) {
  const handedOff = events.find((e) => e.type === "handed_off");
  assert.ok(handedOff, "the conversation was handed off");
  return handedOff;
}

Deno.test("BotDesk - a bot's own hand-off answer is recorded from the bot", async () => {
  await withHost(["handing"], async (host) => {
    const events = await afterOneTurn(host, "handing");
    assert.deepEqual(handOffOf(events).from, { role: "bot", id: "handing" });
  });
});

Deno.test("BotDesk - a first turn that fails is handed off by the bot, which joins first, never by the customer", async () => {
  await withHost(["crashing"], async (host) => {
    const events = await afterOneTurn(host, "crashing");
    const handedOff = handOffOf(events);
    assert.deepEqual(handedOff.from, { role: "bot", id: "crashing" });
    assert.match(handedOff.type === "handed_off" ? handedOff.reason : "", /bot unavailable/);
    const joined = events.find((e) => e.type === "joined" && e.from.role === "bot");
    assert.ok(joined && joined.seq < handedOff.seq, "the bot joined before handing off");
  });
});

Deno.test("BotDesk - with no bot configured the service hands off, as a bot named for itself", async () => {
  const events = await afterOneTurn(null, "");
  assert.deepEqual(handOffOf(events).from, { role: "bot", id: SERVICE_BOT_ID });
});
