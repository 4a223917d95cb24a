/**
 * Rules and tickets for the rules tests: written as JSON, parsed like saved ones.
 * @module
 */
import type { RoutingTicket } from "../routing_ticket.ts";
import { parseRule, type Rule } from "./rule_schema.ts";

let counter = 0;

/** A parsed rule with an id (`t<n>` unless given). */
export function rule(body: Record<string, unknown>, id?: string): Rule {
  return {
    ...parseRule({ actions: [{ type: "add_tags", tags: ["x"] }], ...body }),
    id: id ?? `t${++counter}`,
  };
}

/** A ticket with plain defaults and the given changes. */
export function ticket(changes: Partial<RoutingTicket> = {}): RoutingTicket {
  return {
    tenant: "acme",
    ticketId: "100",
    number: 1,
    requesterId: "7",
    status: "new",
    priority: "normal",
    tags: [],
    assigneeId: null,
    groupId: null,
    customFields: {},
    channel: "api",
    version: 1,
    createdAt: "2026-03-02T01:30:00Z",
    updatedAt: "2026-03-02T01:30:00Z",
    firstResponseAt: null,
    assignedAt: null,
    lastStaffReplyAt: null,
    solvedAt: null,
    subject: "",
    body: "",
    lastActorRole: "customer",
    ...changes,
  };
}
