/**
 * The ticket decider: `decide(command, state, actor, policy) -> events`, or a `DomainError`.
 * Returning no events means the command is already satisfied (an idempotent no-op). Who may do
 * what is asked of `permissions.ts`: first whether the ticket exists for the actor (404), then
 * whether the actor may take the action (403).
 * @module
 */
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type {
  Actor,
  AddAttachment,
  AssignTicket,
  ChangePriority,
  ChangeStatus,
  ChangeTags,
  CreateTicket,
  PostMessage,
  SetCustomFields,
  TicketCommand,
  TicketPolicy,
} from "./commands.ts";
import { checkCustomFields } from "./custom_fields.ts";
import { authorise, canSee, changeAction, createActions } from "./permissions.ts";
import { evolve, type ExistingTicket, type Ticket } from "./ticket.ts";
import { canTransition } from "./transitions.ts";
import { refuseIfMerged } from "./pairs.ts";
import { normaliseTags } from "./tags.ts";
import { rateSatisfaction } from "./satisfaction.ts";
import { logTime } from "./time_tracking.ts";

/**
 * Several changes decided as one commit, each on the state the ones before it leave (routing
 * sets priority, tags and assignment together). One refusal refuses them all.
 */
export function decideAll(
  commands: readonly TicketCommand[],
  state: Ticket,
  actor: Actor,
  policy: TicketPolicy,
): TicketEvent[] {
  const events: TicketEvent[] = [];
  let current = state;
  for (const command of commands) {
    const decided = decide(command, current, actor, policy);
    events.push(...decided);
    current = decided.reduce(evolve, current);
  }
  return events;
}

/** The events that `command` by `actor` causes on `state`. */
export function decide(
  command: TicketCommand,
  state: Ticket,
  actor: Actor,
  policy: TicketPolicy,
): TicketEvent[] {
  if (command.type === "CreateTicket") return create(command, state, actor, policy);
  const ticket = visible(state, actor);
  // A merged ticket lives on in its target; only an erasure still reaches it.
  if (command.type !== "EraseContent") refuseIfMerged(ticket);
  authorise(actor, changeAction(command, ticket.status, actor));
  switch (command.type) {
    case "PostMessage":
      return postMessage(command, ticket, actor);
    case "ChangeStatus":
      return changeStatus(command, ticket);
    case "AssignTicket":
      return assign(command, open(ticket));
    case "ChangeTags":
      return changeTags(command, open(ticket), policy);
    case "ChangePriority":
      return changePriority(command, open(ticket));
    case "SetCustomFields":
      return setFields(command, open(ticket), policy);
    case "EraseContent":
      return [{ type: "TicketContentErased", data: { erasureId: command.erasureId } }];
    case "AddAttachment":
      return addAttachment(command, ticket);
    case "RateSatisfaction":
      return rateSatisfaction(command, ticket, actor);
    case "LogTime":
      return logTime(command, ticket, actor);
  }
}

function addAttachment(c: AddAttachment, ticket: ExistingTicket): TicketEvent[] {
  if (ticket.status === "closed") {
    fail("ticket_closed", `Ticket "${ticket.id}" is closed; attach to a follow-up instead`, 409, {
      followUpOf: ticket.id,
    });
  }
  const { type: _type, ...data } = c;
  return [{ type: "AttachmentAdded", data }];
}

function create(c: CreateTicket, state: Ticket, actor: Actor, policy: TicketPolicy) {
  if (state.status !== "none") fail("ticket_exists", `Ticket "${c.ticketId}" already exists`, 409);
  for (const action of createActions(actor, c)) authorise(actor, action);
  const tags = normaliseTags(c.tags, policy.maxTags);
  checkCustomFields(policy.customFields, c.customFields, { creating: true });
  const { ticketId, number, subject, priority, requesterId, assigneeId, groupId } = c;
  const { customFields, status, followUpOf, externalId } = c;
  return [
    {
      type: "TicketCreated",
      data: {
        ticketId,
        number,
        requesterId,
        subject,
        status,
        priority,
        tags,
        assigneeId,
        groupId,
        customFields,
        followUpOf,
        externalId,
      },
    },
    message(c.messageId, actor, c.body, false),
  ] satisfies TicketEvent[];
}

function postMessage(c: PostMessage, ticket: ExistingTicket, actor: Actor): TicketEvent[] {
  if (ticket.status === "closed") {
    fail(
      "ticket_closed",
      `Ticket "${ticket.id}" is closed; open a follow-up with "followUpOf": "${ticket.id}"`,
      409,
      { followUpOf: ticket.id },
    );
  }
  const events: TicketEvent[] = [message(c.messageId, actor, c.body, c.internal)];
  const reopen = actor.role === "customer" && ["pending", "solved"].includes(ticket.status);
  const firstResponse = actor.role !== "customer" && !c.internal && ticket.status === "new";
  if (reopen || firstResponse) {
    events.push({ type: "TicketStatusChanged", data: { from: ticket.status, to: "open" } });
  }
  return events;
}

function changeStatus(c: ChangeStatus, ticket: ExistingTicket): TicketEvent[] {
  const custom = c.customStatusId ?? null;
  // Within one category only the custom status moves; the transition table governs categories.
  if (ticket.status === c.to && (ticket.customStatusId ?? null) === custom) return [];
  if (ticket.status !== c.to && !canTransition(ticket.status, c.to)) {
    fail(
      "transition_not_allowed",
      `Cannot move ticket "${ticket.id}" from ${ticket.status} to ${c.to}`,
      409,
      { from: ticket.status, to: c.to },
    );
  }
  const data = { from: ticket.status, to: c.to };
  return [{
    type: "TicketStatusChanged",
    data: custom === null ? data : { ...data, customStatusId: custom },
  }];
}

function assign(c: AssignTicket, ticket: ExistingTicket): TicketEvent[] {
  if (ticket.assigneeId === c.assigneeId && ticket.groupId === c.groupId) return [];
  return [{ type: "TicketAssigned", data: { assigneeId: c.assigneeId, groupId: c.groupId } }];
}

function changeTags(c: ChangeTags, ticket: ExistingTicket, policy: TicketPolicy): TicketEvent[] {
  const both = normaliseTags(c.add, Infinity).find((t) =>
    normaliseTags(c.remove, Infinity).includes(t)
  );
  if (both !== undefined) {
    fail("invalid_tag", `Tag "${both}" is both added and removed`, 422, { tag: both });
  }
  const remove = normaliseTags(c.remove, Infinity).filter((t) => ticket.tags.includes(t));
  const add = normaliseTags(c.add, policy.maxTags).filter((t) => !ticket.tags.includes(t));
  if (add.length === 0 && remove.length === 0) return [];
  if (ticket.tags.length - remove.length + add.length > policy.maxTags) {
    fail("too_many_tags", `A ticket may carry at most ${policy.maxTags} tags`, 422);
  }
  return [{ type: "TicketTagsChanged", data: { added: add, removed: remove } }];
}

function changePriority(c: ChangePriority, ticket: ExistingTicket): TicketEvent[] {
  if (ticket.priority === c.to) return [];
  return [{ type: "TicketPriorityChanged", data: { from: ticket.priority, to: c.to } }];
}

function setFields(c: SetCustomFields, ticket: ExistingTicket, policy: TicketPolicy) {
  checkCustomFields(policy.customFields, c.fields, { creating: false });
  const changed = Object.entries(c.fields).filter(([k, v]) =>
    (ticket.customFields[k] ?? null) !== v
  );
  if (changed.length === 0) return [];
  return [{
    type: "TicketFieldsChanged",
    data: { fields: Object.fromEntries(changed) },
  }] satisfies TicketEvent[];
}

function message(messageId: string, actor: Actor, body: string, internal: boolean): TicketEvent {
  return {
    type: "MessagePosted",
    data: { messageId, authorId: actor.id, authorRole: actor.role, internal, body },
  };
}

/** A ticket the actor may not see does not exist for it (a customer's, another group's). */
function visible(state: Ticket, actor: Actor): ExistingTicket {
  if (state.status === "none" || !canSee(actor, state)) {
    fail("ticket_not_found", "No such ticket", 404);
  }
  return state;
}

function open(ticket: ExistingTicket): ExistingTicket {
  if (ticket.status === "closed") fail("ticket_closed", `Ticket "${ticket.id}" is closed`, 409);
  return ticket;
}
