/**
 * What rules read and write, and the loops that makes. Routing applies a rule's actions as
 * ticket commands, each change is an `updated` event, and `updated` runs the rules again: rules
 * that write what another reads can keep changing a ticket forever. One rule alone always
 * settles (its actions set fixed values, and escalation stops at urgent), so only cycles of two
 * or more rules are loops.
 * @module
 */
import type { Action, Condition, Rule } from "./rule_schema.ts";

/** Something a condition reads and an action may write. */
export type Slot = string;

/** The ticket slots the conditions of `rule` read (text, time and weekday read none). */
export function readsOf(conditions: readonly Condition[]): Set<Slot> {
  const slots = new Set<Slot>();
  for (const condition of conditions) {
    if (condition.type === "field") slots.add(condition.field);
    else if (condition.type === "tags") slots.add("tags");
    else if (condition.type === "any") readsOf(condition.conditions).forEach((s) => slots.add(s));
  }
  return slots;
}

/** The ticket slots the actions of a rule change (`notify` changes none). */
export function writesOf(actions: readonly Action[]): Set<Slot> {
  const slots = new Set<Slot>();
  for (const action of actions) {
    if (action.type === "set_priority") slots.add("priority");
    else if (action.type === "add_tags") slots.add("tags");
    else if (action.type === "set_group") slots.add("groupId");
    else if (action.type === "assign") slots.add("assigneeId");
    else if (action.type === "escalate") {
      if (action.raisePriority) slots.add("priority");
      if (action.groupId) slots.add("groupId");
    }
  }
  return slots;
}

/** One step of a loop: `from` writes `slots`, which `to` reads. */
export interface Feed {
  from: Rule;
  to: Rule;
  slots: Slot[];
}

/** A cycle of two or more enabled rules feeding each other, or undefined. */
export function findLoop(rules: readonly Rule[]): Feed[] | undefined {
  const live = rules.filter((r) => r.enabled);
  const edges = new Map(live.map((r) => [r.id, feedsFrom(r, live)]));
  const state = new Map<string, "open" | "done">();
  const path: Feed[] = [];
  const visit = (rule: Rule): Feed[] | undefined => {
    state.set(rule.id, "open");
    for (const feed of edges.get(rule.id)!) {
      const seen = state.get(feed.to.id);
      if (seen === "open") {
        const start = path.findIndex((f) => f.from.id === feed.to.id);
        return [...path.slice(start === -1 ? path.length : start), feed];
      }
      if (seen === "done") continue;
      path.push(feed);
      const loop = visit(feed.to);
      if (loop) return loop;
      path.pop();
    }
    state.set(rule.id, "done");
    return undefined;
  };
  for (const rule of live) {
    if (state.has(rule.id)) continue;
    const loop = visit(rule);
    if (loop) return loop;
  }
  return undefined;
}

function feedsFrom(rule: Rule, rules: readonly Rule[]): Feed[] {
  const writes = writesOf(rule.actions);
  const feeds: Feed[] = [];
  for (const other of rules) {
    // Only `updated` runs rules again after routing's own change.
    if (other.id === rule.id || !other.when.includes("updated")) continue;
    const slots = [...readsOf(other.conditions)].filter((s) => writes.has(s));
    if (slots.length > 0) feeds.push({ from: rule, to: other, slots });
  }
  return feeds;
}

/** `"A" sets priority, which "B" reads; "B" sets groupId, which "A" reads`. */
export function describeLoop(loop: readonly Feed[]): string {
  return loop
    .map((f) => `"${f.from.name}" sets ${f.slots.join(" and ")}, which "${f.to.name}" reads`)
    .join("; ");
}
