/**
 * The routing decision as data: given what the rules said, what the model guessed and which
 * agent fits, the ticket changes to ask for. Rules win over the model; the model only fills what
 * neither the ticket nor a rule has set; a person's choice (an assignee already there) stays.
 * The model may raise a default priority, never lower one: a wrong "low" would quietly delay a
 * customer, a wrong "high" only costs an agent a look.
 * @module
 */
import type { ServiceChange } from "@ticketd/shared/commands/tickets.ts";
import { PRIORITIES, type Priority } from "@ticketd/shared/events/tickets.ts";
import type { RoutingTicket } from "./routing_ticket.ts";

/** What the rules engine asks for (merged over every rule that fired). */
export interface RuleActions {
  priority?: Priority;
  addTags: string[];
  groupId?: string;
  assigneeId?: string;
  notify: { target: string; ruleId: string }[];
  /** The rules that fired, for the decision log. */
  fired: string[];
}

/** What the model says, only where it is confident. */
export interface ModelGuess {
  groupId?: string;
  priority?: Priority;
}

export interface RoutePlan {
  changes: ServiceChange[];
  /** The group the ticket ends in; it needs an agent when `needsAgent`. */
  groupId: string | null;
  needsAgent: boolean;
  /** Why each change is made, for the decision log and the dry run. */
  reasons: string[];
}

const OPEN_FOR_ASSIGNMENT = new Set(["new", "open", "pending", "on_hold"]);

/** The changes for `ticket` from the rules' outcome and the model's guess. */
export function planRoute(
  ticket: RoutingTicket,
  rules: RuleActions,
  model: ModelGuess,
): RoutePlan {
  const reasons: string[] = [];
  const changes: ServiceChange[] = [];
  const priority = rules.priority ?? modelPriority(ticket, model);
  if (priority && priority !== ticket.priority) {
    changes.push({ type: "ChangePriority", to: priority });
    reasons.push(`priority ${priority} (${rules.priority ? "rule" : "model"})`);
  }
  const newTags = rules.addTags.filter((tag) => !ticket.tags.includes(tag));
  if (newTags.length > 0) {
    changes.push({ type: "ChangeTags", add: newTags, remove: [] });
    reasons.push(`tags ${newTags.join(", ")} (rule)`);
  }
  const groupId = rules.groupId ?? ticket.groupId ?? model.groupId ?? null;
  const assigneeId = rules.assigneeId ?? ticket.assigneeId;
  if (groupId !== ticket.groupId || assigneeId !== ticket.assigneeId) {
    changes.push({ type: "AssignTicket", assigneeId, groupId });
    const by = rules.groupId || rules.assigneeId ? "rule" : "model";
    reasons.push(`group ${groupId ?? "none"}${assigneeId ? `, agent ${assigneeId}` : ""} (${by})`);
  }
  const needsAgent = assigneeId === null && OPEN_FOR_ASSIGNMENT.has(ticket.status);
  return { changes, groupId, needsAgent, reasons };
}

/** Folds an assignment to `agentId` into a plan (one AssignTicket, not two). */
export function withAgent(plan: RoutePlan, agentId: string, why: string): RoutePlan {
  const others = plan.changes.filter((change) => change.type !== "AssignTicket");
  return {
    changes: [...others, { type: "AssignTicket", assigneeId: agentId, groupId: plan.groupId }],
    groupId: plan.groupId,
    needsAgent: false,
    reasons: [...plan.reasons, `agent ${agentId} (${why})`],
  };
}

function modelPriority(ticket: RoutingTicket, model: ModelGuess): Priority | undefined {
  if (ticket.priority !== "normal" || !model.priority) return undefined;
  return PRIORITIES.indexOf(model.priority) > PRIORITIES.indexOf("normal")
    ? model.priority
    : undefined;
}

/** What a person just changed on a ticket: rules on `updated` leave those alone. */
export type TouchedField = "priority" | "tags" | "group" | "assignee";

/** `actions` without what people just chose (an `updated` rule must not undo a person). */
export function respectPeople(
  actions: RuleActions,
  touched: ReadonlySet<TouchedField>,
): RuleActions {
  const kept = { ...actions };
  if (touched.has("priority")) delete kept.priority;
  if (touched.has("tags")) kept.addTags = [];
  if (touched.has("group")) delete kept.groupId;
  if (touched.has("assignee")) delete kept.assigneeId;
  return kept;
}
