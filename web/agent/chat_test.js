import assert from "node:assert/strict";
import { applyEvent, conversationOf, emptyChat, lineOf } from "./chat.js";

const AT = "2026-12-04T03:00:00.000Z";
/**
 * @param {number} seq
 * @param {string} type
 * @param {"customer" | "bot" | "agent"} role
 * @param {string} id
 * @param {string} [text]
 * @returns {import("./chat.js").ChatEvent}
 */
const event = (seq, type, role, id, text) => ({ seq, at: AT, type, from: { role, id }, text });

Deno.test("chat panel - a ticket's conversation is the one its chat: tag names, else none", () => {
  assert.equal(conversationOf(["vip", "chat:41234"]), "41234");
  assert.equal(conversationOf(["vip", "chatty"]), null);
  assert.equal(conversationOf([]), null);
});

Deno.test("chat panel - a replayed event after a reconnect is taken once; a join and the end are kept", () => {
  let chat = emptyChat();
  for (
    const e of [
      event(1, "message", "customer", "v-1", "hi"),
      event(2, "joined", "agent", "a-1"),
      event(2, "joined", "agent", "a-1"),
      event(1, "message", "customer", "v-1", "hi"),
      event(3, "closed", "agent", "a-1"),
    ]
  ) chat = applyEvent(chat, e);
  assert.deepEqual(chat.events.map((e) => e.seq), [1, 2, 3]);
  assert.deepEqual(chat.agents, ["a-1"]);
  assert.equal(chat.closed, true);
  assert.equal(chat.lastSeq, 3);
});

Deno.test("chat panel - lines say who spoke (the agent themself as You); typing and reads are not shown", () => {
  assert.deepEqual(lineOf(event(1, "message", "customer", "v-1", "<b>x</b>"), "me"), {
    kind: "customer",
    who: "Customer v-1",
    text: "<b>x</b>",
  });
  assert.equal(lineOf(event(2, "message", "agent", "me", "hello"), "me")?.who, "You");
  assert.equal(lineOf(event(3, "message", "bot", "faq", "answer"), "me")?.who, "Assistant");
  assert.equal(lineOf(event(4, "typing", "customer", "v-1"), "me"), null);
  assert.equal(lineOf(event(5, "joined", "bot", "faq"), "me"), null);
  assert.equal(lineOf(event(6, "closed", "agent", "other"), "me")?.kind, "note");
});
