/**
 * The FAQ bot: answers the customer's last message from `kb.json` (bootstrapped from the bitext
 * customer-support set) by similar-question search, tags the conversation with the intent, and
 * hands off when the customer asks for a person or the match is not clear.
 * @module
 */
import type { BotAnswer, BotContext } from "../../bots/protocol.ts";
import { faqOutcome } from "./faq_answer.ts";
import { FaqIndex, type KnowledgeBase } from "./faq_index.ts";

const HANDOFF_REPLY = "Let me bring in a member of our team who can help you with this.";

let index: Promise<FaqIndex> | null = null;

/** The index, built once per worker from the only file the manifest lets it read. */
function faqIndex(): Promise<FaqIndex> {
  index ??= Deno.readTextFile(new URL("./kb.json", import.meta.url))
    .then((text) => new FaqIndex(JSON.parse(text) as KnowledgeBase));
  return index;
}

export default {
  name: "faq",
  async turn(context: BotContext): Promise<BotAnswer> {
    const last = context.transcript.at(-1);
    if (last?.from.role !== "customer") return { replies: [], actions: [] };
    const outcome = faqOutcome(await faqIndex(), last.text);
    if (outcome.kind === "handoff") {
      return { replies: [HANDOFF_REPLY], actions: [], handoff: { reason: outcome.reason } };
    }
    return {
      replies: [outcome.text],
      actions: [{ type: "tag", tags: [`faq:${outcome.intent}`] }],
    };
  },
};
