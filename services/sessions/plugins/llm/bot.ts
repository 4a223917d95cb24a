/**
 * The LLM bot: sends the transcript, after a system prompt, to an OpenAI-compatible
 * `POST {baseUrl}/chat/completions` and relays the reply. The model hands off by answering
 * `HANDOFF`; any error, timeout or empty reply hands off too. Its process may reach only the
 * base URL's host. It never logs: not the key, not the conversation.
 * @module
 */
import type { BotAnswer, BotContext } from "../../bots/protocol.ts";

/** Shorter than the manifest's 15 s turn limit, so a slow model hands off instead of failing. */
const REQUEST_TIMEOUT_MS = 12_000;
const MAX_REPLY_CHARS = 4_000;
const HANDOFF_REPLY = "Let me bring in a member of our team who can help you with this.";

export const SYSTEM_PROMPT = [
  "You are the first-line customer support assistant of a help desk.",
  "Answer briefly and politely in the customer's language, from general support knowledge.",
  "Never invent order details, prices or policies you were not told.",
  "If the customer asks for a person, is upset, or you cannot help, reply with exactly HANDOFF.",
].join(" ");

export default {
  name: "llm",
  async turn(context: BotContext): Promise<BotAnswer> {
    const { baseUrl, model, apiKey } = context.config;
    if (!baseUrl || !model) return handoff("llm_not_configured");
    const last = context.transcript.at(-1);
    if (last?.from.role !== "customer") return { replies: [], actions: [] };
    const reply = await complete(baseUrl, model, apiKey, context);
    if (reply === null) return handoff("llm_error");
    if (/^\s*HANDOFF\b/.test(reply)) return handoff("model_requested");
    return { replies: [reply.slice(0, MAX_REPLY_CHARS)], actions: [] };
  },
};

/** The model's reply text, or null on any failure (its details stay out of the answer). */
async function complete(baseUrl: string, model: string, apiKey: string, context: BotContext) {
  const messages = [
    { role: "system", content: SYSTEM_PROMPT },
    ...context.transcript.map((message) => ({
      role: message.from.role === "customer" ? "user" : "assistant",
      content: message.text,
    })),
  ];
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ model, messages }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) return (await response.body?.cancel(), null);
    const body = await response.json();
    const content = body?.choices?.[0]?.message?.content;
    return typeof content === "string" && content.trim() !== "" ? content.trim() : null;
  } catch {
    return null;
  }
}

function handoff(reason: string): BotAnswer {
  return { replies: [HANDOFF_REPLY], actions: [], handoff: { reason } };
}
