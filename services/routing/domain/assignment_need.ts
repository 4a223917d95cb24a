/**
 * What a ticket asks of its agent, read from the ticket: required skills are its `skill:<name>`
 * tags (rules add them), the language is `customFields.language` when set, else "zh" for text
 * with Chinese characters, else none (any language will do).
 * @module
 */
import type { AssignmentNeed } from "./assignment.ts";
import type { RoutingTicket } from "./routing_ticket.ts";

const SKILL_TAG = "skill:";
const HAN = /\p{Script=Han}/u;

/** The need of `ticket` in group `groupId` (the group it is about to be in). */
export function assignmentNeed(ticket: RoutingTicket, groupId: string | null): AssignmentNeed {
  const skills = ticket.tags.filter((tag) => tag.startsWith(SKILL_TAG))
    .map((tag) => tag.slice(SKILL_TAG.length));
  const declared = ticket.customFields.language;
  const language = typeof declared === "string" && declared
    ? declared
    : HAN.test(ticket.subject) || HAN.test(ticket.body)
    ? "zh"
    : null;
  return { groupId, skills, language };
}
