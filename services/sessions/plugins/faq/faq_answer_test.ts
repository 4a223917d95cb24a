import assert from "node:assert/strict";
import { faqOutcome } from "./faq_answer.ts";
import { FaqIndex } from "./faq_index.ts";

const index = new FaqIndex({
  source: "test",
  licence: "test",
  intents: [
    {
      intent: "track_order",
      category: "ORDER",
      answer: "Here is how to track it.",
      questions: ["where is my order", "track my package"],
    },
    {
      intent: "cancel_order",
      category: "ORDER",
      answer: "Here is how to cancel.",
      questions: ["cancel my order", "I want to cancel the purchase"],
    },
    {
      intent: "contact_human_agent",
      category: "CONTACT",
      answer: "",
      questions: ["let me speak to someone"],
    },
  ],
});

Deno.test("faqOutcome - a close paraphrase gets its intent's answer despite a typo", () => {
  const outcome = faqOutcome(index, "where's my packege, I want to track it");
  assert.equal(outcome.kind === "answer" && outcome.intent, "track_order");
});

Deno.test("faqOutcome - a message as near one intent as another is handed off", () => {
  const even = new FaqIndex({
    source: "test",
    licence: "test",
    intents: [
      { intent: "track_order", category: "ORDER", answer: "Track.", questions: ["track order"] },
      { intent: "cancel_order", category: "ORDER", answer: "Cancel.", questions: ["cancel order"] },
    ],
  });
  const outcome = faqOutcome(even, "order");
  assert.deepEqual(outcome.kind === "handoff" && outcome.reason, "low_confidence");
});

Deno.test("faqOutcome - matching the contact-a-person intent hands off as asked", () => {
  assert.equal(faqOutcome(index, "let me speak to someone please").kind, "handoff");
});
