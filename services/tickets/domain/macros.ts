/**
 * Macros and canned replies: a saved set of changes (a reply or note with placeholders, a status,
 * tags, priority, assignment) applied to a ticket as one commit. A canned reply is a macro with
 * text only. Pure: placeholders are checked at save and filled at apply from values passed in.
 * @module
 */
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { AssignTicket, ChangePriority, ChangeStatus, ChangeTags } from "./commands.ts";
import { normaliseTags } from "./tags.ts";

/** The placeholders a macro's text may use, and what each is filled with. */
export const PLACEHOLDERS = {
  "ticket.number": "the ticket's number (#1042 without the #)",
  "ticket.status": "the ticket's status before the macro",
  "ticket.priority": "the ticket's priority before the macro",
  "requester.id": "the requester's id",
  "agent.id": "the id of the agent applying the macro",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What a macro does; every part optional, at least one present. */
export interface MacroActions {
  text: { body: string; internal: boolean } | null;
  status: TicketStatus | null;
  customStatusId: string | null;
  priority: Priority | null;
  tags: { add: string[]; remove: string[] };
  assignment: { assigneeId: string | null; groupId: string | null } | null;
}

export interface Macro extends MacroActions {
  id: string;
  /** null: the tenant's (admins keep them); else the agent whose own macro it is. */
  ownerId: string | null;
  name: string;
}

/**
 * Refuses text naming a placeholder that does not exist (422 `unknown_placeholder`) and braces
 * that make no placeholder, such as a lone `{{` (422 `malformed_placeholder`): such text would
 * reach the customer with the braces in it. Spaces inside the braces are allowed.
 */
export function checkPlaceholders(text: string): void {
  const stray = text.replace(PLACEHOLDER, "").match(/\{\{|\}\}/);
  if (stray) {
    fail(
      "malformed_placeholder",
      `"${stray[0]}" without its pair: a placeholder is {{name}}, e.g. {{ticket.number}}`,
      422,
      { found: stray[0] },
    );
  }
  for (const [, name] of text.matchAll(PLACEHOLDER)) {
    if (!Object.hasOwn(PLACEHOLDERS, name)) {
      fail(
        "unknown_placeholder",
        `Unknown placeholder {{${name.slice(0, 40)}}}; known: ${
          Object.keys(PLACEHOLDERS).join(", ")
        }`,
        422,
        { placeholder: name.slice(0, 40) },
      );
    }
  }
}

/** Refuses a macro that would do nothing, and tags or text no ticket would take at apply. */
export function checkActions(a: MacroActions): void {
  const empty = !a.text && !a.status && !a.customStatusId && !a.priority && !a.assignment &&
    a.tags.add.length === 0 && a.tags.remove.length === 0;
  if (empty) {
    fail(
      "empty_macro",
      "A macro must do something: text, status, tags, priority or assignment",
      422,
    );
  }
  // The ticket's own tag rule (422 `invalid_tag`), so a saved macro never fails on every apply.
  normaliseTags(a.tags.add, Infinity);
  normaliseTags(a.tags.remove, Infinity);
  if (a.text) checkPlaceholders(a.text.body);
}

/** `text` with every placeholder filled from `values`. */
export function fillPlaceholders(text: string, values: Record<Placeholder, string>): string {
  return text.replace(
    PLACEHOLDER,
    (whole, name: string) => Object.hasOwn(values, name) ? values[name as Placeholder] : whole,
  );
}

/** A reply or note still to be sealed, as the command handler takes it. */
export interface MacroMessage {
  type: "PostMessage";
  body: string;
  internal: boolean;
}

export type MacroChange = MacroMessage | ChangeStatus | ChangeTags | ChangePriority | AssignTicket;

/**
 * The changes a macro makes, in the order they are decided: the text first (so an agent's first
 * reply opens a new ticket before the macro's own status applies), then status, tags, priority,
 * assignment. `text` is the macro's text with its placeholders filled; `status` the category
 * the macro's status resolved to (a custom one's, if any).
 */
export function macroChanges(
  macro: Omit<MacroActions, "text">,
  text: { body: string; internal: boolean } | null,
  status: { to: TicketStatus; customStatusId: string | null } | null,
): MacroChange[] {
  const changes: MacroChange[] = [];
  if (text) changes.push({ type: "PostMessage", ...text });
  if (status) changes.push({ type: "ChangeStatus", ...status });
  if (macro.tags.add.length > 0 || macro.tags.remove.length > 0) {
    changes.push({ type: "ChangeTags", add: macro.tags.add, remove: macro.tags.remove });
  }
  if (macro.priority) changes.push({ type: "ChangePriority", to: macro.priority });
  if (macro.assignment) changes.push({ type: "AssignTicket", ...macro.assignment });
  return changes;
}
