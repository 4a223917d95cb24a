/**
 * Who may do what: the permission matrix (role × action), which tickets each role can see, and
 * the action each command needs. The decider and the query routes ask here and nowhere else;
 * `docs/permissions.md` is generated from these tables and a test checks it still matches.
 * @module
 */
import type { Role, TicketEvent, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Actor, CreateTicket, TicketCommand } from "./commands.ts";

/** Every action a rule can refuse, with how the refusal reads ("Agents may not ..."). */
export const ACTIONS = {
  create: "open tickets for themselves",
  create_for_others: "open tickets for someone else",
  import: "import tickets (an original time, a status other than new)",
  set_external_id: "set external ids",
  list: "list and search tickets",
  read: "read tickets and their public messages",
  read_history: "read ticket history",
  read_notes: "read internal notes",
  read_workflow: "see assignment, tag, priority and field changes in history",
  reply: "reply on tickets",
  write_note: "write internal notes",
  reopen: "reopen pending or solved tickets",
  change_status: "change the status of tickets",
  close: "close tickets",
  change_priority: "reprioritise tickets",
  change_tags: "tag tickets",
  change_fields: "edit fields of tickets",
  assign_self: "take or release tickets",
  assign_in_group: "assign tickets to others within their groups",
  assign_any: "assign tickets to any agent or group",
  merge: "merge or split tickets and undo either",
  link: "link tickets and remove links",
  erase_customer: "erase a customer (destroy their data keys)",
  manage_statuses: "define, rename or retire custom statuses",
  log_time: "log time worked on tickets",
  use_macros: "keep macros of their own and apply macros",
  manage_macros: "keep the tenant's macros",
  read_time: "read the time logged on tickets",
} as const;
export type Action = keyof typeof ACTIONS;

const ALL: readonly Role[] = ["customer", "agent", "supervisor", "admin", "auditor"];
const READERS: readonly Role[] = ["agent", "supervisor", "admin", "auditor"];
const AGENTS: readonly Role[] = ["agent", "supervisor", "admin"];
const LEADS: readonly Role[] = ["supervisor", "admin"];

/** The matrix: the roles that may take each action on a ticket they can see. */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  create: ["customer", ...AGENTS],
  create_for_others: AGENTS,
  import: ["admin"],
  set_external_id: AGENTS,
  list: ALL,
  read: ALL,
  read_history: ALL,
  read_notes: READERS,
  read_workflow: READERS,
  reply: ["customer", ...AGENTS],
  write_note: AGENTS,
  reopen: ["customer", ...AGENTS],
  change_status: AGENTS,
  close: LEADS,
  change_priority: AGENTS,
  change_tags: AGENTS,
  change_fields: AGENTS,
  assign_self: AGENTS,
  assign_in_group: AGENTS,
  assign_any: LEADS,
  merge: AGENTS,
  link: AGENTS,
  erase_customer: ["admin"],
  manage_statuses: ["admin"],
  log_time: AGENTS,
  use_macros: AGENTS,
  manage_macros: ["admin"],
  read_time: READERS,
};

/**
 * The services that may act for a ticket's requester (`onBehalfOf` on a NATS ticket command):
 * channels relaying the customer's own words. A relayed change is decided as that customer, so
 * it reaches only tickets they requested and does only what a customer may.
 */
export const RELAYING_SERVICES: Readonly<Record<string, string>> = {
  email:
    "a mail from the requester's address: a new ticket (with the mail's external id) or a reply",
};

/**
 * True when `actor` may name a create's external id: an agent, or a relaying channel for the
 * customer it carries (the mail's identity is the channel's, never typed by the customer).
 */
export function maySetExternalId(actor: Actor): boolean {
  return allows(actor, "set_external_id") || actor.relayedBy !== undefined;
}

/** True when `service` may relay a requester's changes. */
export function mayRelay(service: string): boolean {
  return Object.hasOwn(RELAYING_SERVICES, service);
}

/** Which tickets of its tenant a role can see; the others do not exist for it (404). */
export const SCOPES = {
  own: "the tickets they requested",
  groups: "tickets with no group, in one of their groups, or assigned to them",
  tenant: "every ticket of their tenant",
} as const;
export type Scope = keyof typeof SCOPES;

export const ROLE_SCOPES: Readonly<Record<Role, Scope>> = {
  customer: "own",
  agent: "groups",
  supervisor: "tenant",
  admin: "tenant",
  auditor: "tenant",
};

/** What visibility means, by example: the roles to which each kind of ticket exists. */
export const VISIBILITY_EXAMPLES = {
  requested_by_them: {
    what: "requested by them, no group",
    roles: ["customer", "agent", "supervisor", "admin", "auditor"],
  },
  ungrouped: { what: "someone else's, no group", roles: READERS },
  in_their_group: { what: "someone else's, in one of their groups", roles: READERS },
  other_group: {
    what: "someone else's, in a group they are not in",
    roles: ["supervisor", "admin", "auditor"],
  },
  other_group_assigned_to_them: {
    what: "someone else's, in a group they are not in, assigned to them",
    roles: READERS,
  },
  other_tenant: { what: "of another tenant (even one naming them)", roles: [] },
} as const satisfies Record<string, { what: string; roles: readonly Role[] }>;
export type TicketKind = keyof typeof VISIBILITY_EXAMPLES;

/** The order of the matrix columns. */
export const MATRIX_ROLES: readonly Role[] = ALL;

const ROLE_NAMES: Readonly<Record<Role, string>> = {
  customer: "Customers",
  agent: "Agents",
  supervisor: "Supervisors",
  admin: "Admins",
  auditor: "Auditors",
};

/** What visibility depends on. */
export interface TicketAccess {
  requesterId: string;
  /** Requesters of tickets merged into this one (they are answered here). */
  coRequesterIds?: readonly string[];
  groupId: string | null;
  assigneeId: string | null;
}

/** True when `actor` may take `action` (on a ticket it can see). */
export function allows(actor: Actor, action: Action): boolean {
  return PERMISSIONS[action].includes(actor.role);
}

/** Refuses with 403 `forbidden` unless `actor` may take `action`. */
export function authorise(actor: Actor, action: Action): void {
  if (!allows(actor, action)) {
    fail("forbidden", `${ROLE_NAMES[actor.role]} may not ${ACTIONS[action]}`, 403, { action });
  }
}

/** True when `ticket` exists for `actor` (same tenant is a given: tenants never share keys). */
export function canSee(actor: Actor, ticket: TicketAccess): boolean {
  switch (ROLE_SCOPES[actor.role]) {
    case "own":
      return ticket.requesterId === actor.id || (ticket.coRequesterIds ?? []).includes(actor.id);
    case "groups":
      return ticket.groupId === null || actor.groups.includes(ticket.groupId) ||
        ticket.assigneeId === actor.id;
    case "tenant":
      return true;
  }
}

/** The list filter for `actor`, the query-side twin of {@link canSee}. */
export type TicketScope =
  | { kind: "tenant" }
  | { kind: "own"; requesterId: string }
  | { kind: "groups"; groups: readonly string[]; assigneeId: string };

export function ticketScope(actor: Actor): TicketScope {
  switch (ROLE_SCOPES[actor.role]) {
    case "own":
      return { kind: "own", requesterId: actor.id };
    case "groups":
      return { kind: "groups", groups: actor.groups, assigneeId: actor.id };
    case "tenant":
      return { kind: "tenant" };
  }
}

/** The action a change to an existing ticket in `status` needs. */
export function changeAction(
  command: Exclude<TicketCommand, CreateTicket>,
  status: TicketStatus,
  actor: Actor,
): Action {
  switch (command.type) {
    case "PostMessage":
      return command.internal ? "write_note" : "reply";
    case "ChangeStatus":
      if (command.to === "closed") return "close";
      return command.to === "open" && (status === "pending" || status === "solved")
        ? "reopen"
        : "change_status";
    case "AssignTicket":
      return assignAction(actor, command.assigneeId, command.groupId);
    case "ChangeTags":
      return "change_tags";
    case "ChangePriority":
      return "change_priority";
    case "SetCustomFields":
      return "change_fields";
    case "EraseContent":
      return "erase_customer";
    case "AddAttachment":
      return "reply"; // a file is said to everyone who sees the ticket, like a public reply
    case "RateSatisfaction":
      return "reply"; // the requester's word on their ticket; satisfaction.ts checks it is theirs
    case "LogTime":
      return "log_time";
  }
}

/** Every action a create needs. */
export function createActions(actor: Actor, c: CreateTicket): Action[] {
  const actions: Action[] = ["create"];
  if (c.requesterId !== actor.id) actions.push("create_for_others");
  if (c.status !== "new") actions.push("import");
  // A relayed create carries the channel's external id, not one the customer chose.
  if (c.externalId !== null && !actor.relayedBy) actions.push("set_external_id");
  if (c.assigneeId !== null || c.groupId !== null) {
    actions.push(assignAction(actor, c.assigneeId, c.groupId));
  }
  return actions;
}

/**
 * Assigning within your own groups (or with no group) is agents' work: to yourself or nobody
 * it is taking or releasing; to someone else it needs one of your groups. Anything else (a
 * group you are not in, someone else with no group) is a supervisor's.
 */
function assignAction(actor: Actor, assigneeId: string | null, groupId: string | null): Action {
  if (groupId !== null && !actor.groups.includes(groupId)) return "assign_any";
  if (assigneeId === null || assigneeId === actor.id) return "assign_self";
  return groupId !== null ? "assign_in_group" : "assign_any";
}

/** Whether `actor` sees `event` in a ticket's history. */
export function historyShows(actor: Actor, event: TicketEvent): boolean {
  switch (event.type) {
    case "MessagePosted":
      return !event.data.internal || allows(actor, "read_notes");
    case "TicketAssigned":
    case "TicketTagsChanged":
    case "TicketPriorityChanged":
    case "TicketFieldsChanged":
    // Merges and links name other tickets (and merged requesters): the desk's workflow.
    case "TicketPairReserved":
    case "TicketPairReleased":
    case "TicketMerged":
    case "TicketUnmerged":
    case "TicketLinked":
    case "TicketUnlinked":
    case "TicketSplit":
    case "TicketSplitUndone":
      return allows(actor, "read_workflow");
    case "TimeLogged":
      return allows(actor, "read_time");
    default:
      return true;
  }
}
