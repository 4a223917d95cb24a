/**
 * Runs a tenant's rules on a ticket, in order, each seeing the ticket as the earlier rules'
 * actions left it, and says for every rule whether it fired and why. The merged actions are
 * what routing should change: later rules win single values, and the result names the rule
 * that set each one.
 * @module
 */
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { localParts } from "../local_time.ts";
import type { RoutingTicket } from "../routing_ticket.ts";
import { checkCondition, type ConditionScope } from "./conditions.ts";
import { normaliseText } from "./text_match.ts";
import { type Action, PRIORITY_VALUES, type Rule, type Trigger } from "./rule_schema.ts";

/** Characters of the subject, and of the body, that regular expressions run on. */
export const REGEX_TEXT_LIMIT = 20_000;

export interface EvaluationContext {
  trigger: Trigger;
  /** Epoch milliseconds: the instant `time_of_day` and `weekday` are read at. */
  now: number;
  /** The tenant's IANA zone. */
  timeZone: string;
  regexTextLimit?: number;
}

export interface RuleOutcome {
  ruleId: string;
  name: string;
  fired: boolean;
  /** Why it fired (every condition, matched) or not (the first condition that failed). */
  reason: string;
  /** The condition explanations that held, when it fired. */
  matched: string[];
  actions: Action[];
}

export interface MergedActions {
  priority?: Priority;
  addTags: string[];
  groupId?: string;
  assigneeId?: string;
  notify: { target: string; ruleId: string }[];
}

/** Which rule set each single value (and each added tag). */
export interface SetBy {
  priority?: string;
  groupId?: string;
  assigneeId?: string;
  tags: Record<string, string>;
}

export interface Evaluation {
  trigger: Trigger;
  rules: RuleOutcome[];
  /** Only what differs from the ticket as given: an action that changes nothing is left out. */
  actions: MergedActions;
  setBy: SetBy;
}

/** Evaluates `rules` in order on `ticket` for `context.trigger`. */
export function evaluateRules(
  rules: readonly Rule[],
  ticket: RoutingTicket,
  context: EvaluationContext,
): Evaluation {
  const limit = context.regexTextLimit ?? REGEX_TEXT_LIMIT;
  const scope: ConditionScope = {
    ticket: { ...ticket, tags: [...ticket.tags] },
    normalised: { subject: normaliseText(ticket.subject), body: normaliseText(ticket.body) },
    capped: { subject: ticket.subject.slice(0, limit), body: ticket.body.slice(0, limit) },
    local: localParts(context.now, context.timeZone),
    timeZone: context.timeZone,
  };
  const setBy: SetBy = { tags: {} };
  const notify: MergedActions["notify"] = [];
  const outcomes = rules.map((rule) => {
    const outcome = runRule(rule, scope, context.trigger);
    if (outcome.fired) apply(rule, scope, setBy, notify);
    return outcome;
  });
  return {
    trigger: context.trigger,
    rules: outcomes,
    ...merged(ticket, scope.ticket, setBy, notify),
  };
}

function runRule(rule: Rule, scope: ConditionScope, trigger: Trigger): RuleOutcome {
  const base = { ruleId: rule.id, name: rule.name, actions: rule.actions };
  if (!rule.enabled) return { ...base, fired: false, reason: "disabled", matched: [] };
  if (!rule.when.includes(trigger)) {
    return {
      ...base,
      fired: false,
      reason: `not run on ${trigger} (runs on ${rule.when.join(", ")})`,
      matched: [],
    };
  }
  const matched: string[] = [];
  for (const condition of rule.conditions) {
    const verdict = checkCondition(condition, scope);
    if (!verdict.holds) return { ...base, fired: false, reason: verdict.why, matched };
    matched.push(verdict.why);
  }
  const reason = matched.length === 0 ? "no conditions" : matched.join("; ");
  return { ...base, fired: true, reason, matched };
}

/** Applies a fired rule's actions to the working ticket, so later rules see them. */
function apply(
  rule: Rule,
  scope: ConditionScope,
  setBy: SetBy,
  notify: MergedActions["notify"],
): void {
  const ticket = scope.ticket as { -readonly [K in keyof RoutingTicket]: RoutingTicket[K] };
  for (const action of rule.actions) {
    switch (action.type) {
      case "set_priority":
        [ticket.priority, setBy.priority] = [action.priority, rule.id];
        break;
      case "add_tags":
        for (const tag of action.tags.filter((t) => !ticket.tags.includes(t))) {
          ticket.tags = [...ticket.tags, tag];
          setBy.tags[tag] = rule.id;
        }
        break;
      case "set_group":
        [ticket.groupId, setBy.groupId] = [action.groupId, rule.id];
        break;
      case "assign":
        [ticket.assigneeId, setBy.assigneeId] = [action.agentId, rule.id];
        break;
      case "notify":
        notify.push({ target: action.target, ruleId: rule.id });
        break;
      case "escalate":
        if (action.raisePriority) {
          [ticket.priority, setBy.priority] = [raised(ticket.priority), rule.id];
        }
        if (action.groupId) [ticket.groupId, setBy.groupId] = [action.groupId, rule.id];
    }
  }
}

/** One step up; urgent stays urgent. */
export function raised(priority: Priority): Priority {
  const index = Math.min(PRIORITY_VALUES.indexOf(priority) + 1, PRIORITY_VALUES.length - 1);
  return PRIORITY_VALUES[index] as Priority;
}

function merged(
  before: RoutingTicket,
  after: RoutingTicket,
  setBy: SetBy,
  notify: MergedActions["notify"],
): { actions: MergedActions; setBy: SetBy } {
  const actions: MergedActions = { addTags: Object.keys(setBy.tags), notify };
  const kept: SetBy = { tags: setBy.tags };
  if (after.priority !== before.priority) {
    [actions.priority, kept.priority] = [after.priority, setBy.priority];
  }
  if (after.groupId !== before.groupId && after.groupId !== null) {
    [actions.groupId, kept.groupId] = [after.groupId, setBy.groupId];
  }
  if (after.assigneeId !== before.assigneeId && after.assigneeId !== null) {
    [actions.assigneeId, kept.assigneeId] = [after.assigneeId, setBy.assigneeId];
  }
  return { actions, setBy: kept };
}
