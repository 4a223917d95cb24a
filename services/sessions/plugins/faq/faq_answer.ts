/**
 * What the FAQ bot does with a customer's message: hand off when they ask for a person, answer
 * from the best-matching intent when the match is confident, hand off when it is not.
 * @module
 */
import type { FaqIndex } from "./faq_index.ts";

/** Below this cosine the best match shares little with the message: hand off. */
export const MIN_SCORE = 0.2;
/**
 * Below this lead over the next intent the match could be either: hand off. The lead, not the
 * score, is what separates right from wrong answers here (tuned in `evaluate_kb.ts`).
 */
export const MIN_MARGIN = 0.05;
/** The intent whose questions are requests for a person. */
const HUMAN_INTENT = "contact_human_agent";
const ASKS_FOR_HUMAN =
  /\b(agents?|humans?|real person|representative|operator|someone real)\b|人工|真人|客服/iu;

export type FaqOutcome =
  | { kind: "answer"; intent: string; category: string; text: string; score: number }
  | { kind: "handoff"; reason: "customer_asked" | "low_confidence" | "no_match"; score: number };

/** The outcome for one customer message. */
export function faqOutcome(
  index: FaqIndex,
  message: string,
  minMargin = MIN_MARGIN,
  minScore = MIN_SCORE,
): FaqOutcome {
  const match = index.search(message);
  const score = match?.score ?? 0;
  if (ASKS_FOR_HUMAN.test(message) || match?.intent.intent === HUMAN_INTENT && score >= minScore) {
    return { kind: "handoff", reason: "customer_asked", score };
  }
  if (match === null) return { kind: "handoff", reason: "no_match", score };
  if (score < minScore || score - match.runnerUp < minMargin) {
    return { kind: "handoff", reason: "low_confidence", score };
  }
  const { intent, category, answer } = match.intent;
  return { kind: "answer", intent, category, text: answer, score };
}
