/**
 * The routing workflow: every ticket commit folds into what routing knows; live commits by
 * anyone but routing itself are routed (rules, then the model, then an agent), and the decision
 * goes to the tickets service as one command over NATS (one commit), decided on the version
 * routing saw.
 *
 * Two routing instances may run at once: they fold the same stream, so they decide alike, and
 * each command carries an idempotency key made of the trigger, the ticket and the version decided
 * on, so the second instance's identical command is answered, not appended. A differing
 * decision on the same version is refused (`idempotency_key_reused`) and a stale one
 * (`version_conflict`): a ticket is never assigned twice.
 * @module
 */
import type { SendTicketCommand } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { ServiceChange, TicketCommandReply } from "@ticketd/shared/commands/tickets.ts";
import type { TicketCommit } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { KeyedQueue } from "@ticketd/shared/runtime/keyed_queue.ts";
import type { FeedHandler } from "./adapters/ticket_feed.ts";
import type { AgentProfile, AssignmentCandidate, PresenceStatus } from "./domain/assignment.ts";
import { pickAgent, unattendedTickets } from "./domain/assignment.ts";
import { assignmentNeed } from "./domain/assignment_need.ts";
import {
  type ModelGuess,
  planRoute,
  respectPeople,
  type RoutePlan,
  type RuleActions,
  type TouchedField,
  withAgent,
} from "./domain/route_plan.ts";
import type { RoutingTicket } from "./domain/routing_ticket.ts";
import { foldCommit, type TrackedTicket } from "./domain/ticket_fold.ts";

export const ROUTING_SERVICE = "routing";
const ROUTING_ACTOR = `svc:${ROUTING_SERVICE}`;
const HOLDING = new Set(["new", "open", "pending", "on_hold"]);

export type RuleTrigger = "created" | "updated" | "sla_warning" | "sla_breached";

/** A ticket's subject and first message in plaintext ("" when erased or unreadable). */
type Text = { subject: string; body: string };

export interface RouterPorts {
  openText(ticket: TrackedTicket): Promise<Text>;
  rules(ticket: RoutingTicket, trigger: RuleTrigger): Promise<RuleActions>;
  /** The model's guess, for what `ask` still needs. */
  model(ticket: RoutingTicket, ask: { queue: boolean; priority: boolean }): ModelGuess;
  agents(tenant: string): readonly AgentProfile[];
  presence(tenant: string, agentId: string): PresenceStatus;
  similar: {
    upsert(tenant: string, ticketId: string, text: { subject: string; body: string }): void;
    remove(tenant: string, ticketId: string): void;
  };
  /** Told of every folded ticket (SLA clocks are derived from them). */
  tracked?(ticket: TrackedTicket, previous: TrackedTicket | undefined): void;
  send: SendTicketCommand;
  notify(tenant: string, notice: { ticketId: string; target: string; ruleId: string }): void;
  log: Logger;
  now(): number;
}

/** What the last decision for a ticket was, for `GET /routing/tickets/:id/decision`. */
export interface Decision {
  ticketId: string;
  version: number;
  trigger: RuleTrigger | "assign" | "requeue";
  reasons: string[];
  outcome: "sent" | "nothing_to_do" | "waiting_for_agent" | "superseded" | "failed";
  decidedInMs: number;
  /** The latest attempt to find an agent after this decision (assignment runs on its own). */
  assignment?: { version: number; reasons: string[]; outcome: Decision["outcome"] };
}

export class Router implements FeedHandler {
  readonly #tickets = new Map<string, TrackedTicket>();
  readonly #load = new Map<string, number>();
  readonly #lastAssigned = new Map<string, number>();
  /** Tickets waiting for an agent, per tenant, in arrival order. */
  readonly #waiting = new Map<string, Set<string>>();
  /** Assignments sent but not yet seen in the stream: ticket key -> agent key. */
  readonly #reserved = new Map<string, string>();
  readonly #decisions = new Map<string, Decision>();
  /** What people changed in the commit an `updated` decision is about to look at. */
  readonly #touched = new Map<string, Set<TouchedField>>();
  readonly #queue = new KeyedQueue();
  /** Tickets with a decision queued or running. */
  readonly #pending = new Map<string, number>();
  /** Tickets routing changed while a decision was pending: looked at again once it is done. */
  readonly #recheck = new Set<string>();
  #live = false;
  #inFlight = 0;

  constructor(private readonly ports: RouterPorts, private readonly maxDecisions = 100_000) {}

  get live(): boolean {
    return this.#live;
  }

  /** Decisions being worked on now (the routing backlog). */
  get inFlight(): number {
    return this.#inFlight;
  }

  ticket(tenant: string, ticketId: string): TrackedTicket | undefined {
    return this.#tickets.get(keyOf(tenant, ticketId));
  }

  decision(tenant: string, ticketId: string): Decision | undefined {
    return this.#decisions.get(keyOf(tenant, ticketId));
  }

  /** Routing's view of a ticket with its text opened, for the dry run and the SLA route. */
  async view(tenant: string, ticketId: string): Promise<RoutingTicket | undefined> {
    const tracked = this.ticket(tenant, ticketId);
    return tracked ? { ...tracked, ...(await this.ports.openText(tracked)) } : undefined;
  }

  /** All tracked tickets of a tenant (for retraining, SLA rebuilds). */
  *tickets(tenant: string): Iterable<TrackedTicket> {
    for (const ticket of this.#tickets.values()) if (ticket.tenant === tenant) yield ticket;
  }

  commit(commit: TicketCommit, version: number, live: boolean): void {
    const key = keyOf(commit.meta.tenant, commit.meta.ticketId);
    const previous = this.#tickets.get(key);
    const next = foldCommit(previous, commit, version);
    if (!next) return;
    this.#tickets.set(key, next);
    this.#account(key, previous, next);
    this.ports.tracked?.(next, previous);
    const created = commit.events.some((e) => e.type === "TicketCreated");
    // A new ticket's text is opened once, for the similar index and its first decision both.
    const text = created && !next.erased ? this.ports.openText(next) : undefined;
    if (next.erased) this.ports.similar.remove(next.tenant, next.ticketId);
    else if (text) this.#index(next, text);
    if (!live) {
      if (needsAgent(next)) this.#wait(next);
      return;
    }
    if (next.lastActorId === ROUTING_ACTOR) {
      // Routing's own change: never routed again (no loops), but a requeued ticket seeks an agent.
      if (!needsAgent(next)) return;
      if (this.#pending.has(key)) this.#recheck.add(key);
      else this.#schedule(next, "assign");
      return;
    }
    if (!created) this.#touched.set(key, touchedBy(commit));
    this.#schedule(next, created ? "created" : "updated", text);
  }

  caughtUp(): void {
    this.#live = true;
    for (const tenant of this.#waiting.keys()) this.assignWaiting(tenant);
  }

  /**
   * Someone may fit now (an agent came online, changed, or freed capacity): the oldest waiting
   * tickets are tried, as many as the online agents have room for.
   */
  assignWaiting(tenant: string): void {
    const waiting = this.#waiting.get(tenant);
    if (!this.#live || !waiting?.size) return;
    let room = this.#candidates(tenant)
      .filter((c) => c.status === "online" && c.agent.active)
      .reduce((sum, c) => sum + Math.max(0, c.agent.capacity - c.load), 0);
    for (const key of waiting) {
      if (room-- <= 0) return;
      const ticket = this.#tickets.get(key);
      if (ticket) this.#schedule(ticket, "assign");
    }
  }

  /** An agent went offline: their unattended tickets go back to their group queue. */
  requeueFrom(tenant: string, agentId: string): void {
    if (!this.#live) return;
    const theirs = [...this.tickets(tenant)].filter((t) => t.assigneeId === agentId);
    const unattended = unattendedTickets(
      agentId,
      theirs.map((t) => ({ ...t, subject: "", body: "" })),
    );
    for (const ticket of unattended) {
      const tracked = this.#tickets.get(keyOf(tenant, ticket.ticketId));
      if (tracked) this.#schedule(tracked, "requeue");
    }
  }

  /** An SLA warning or breach: the rules with that trigger run (escalation is a rule action). */
  escalate(tenant: string, ticketId: string, trigger: "sla_warning" | "sla_breached"): void {
    const ticket = this.ticket(tenant, ticketId);
    if (ticket && this.#live) this.#schedule(ticket, trigger);
  }

  /** Resolves when every decision started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** `text`, if given, is `ticket`'s opened text (used while the decided ticket has the same). */
  #schedule(ticket: TrackedTicket, trigger: Decision["trigger"], text?: Promise<Text>): void {
    const key = keyOf(ticket.tenant, ticket.ticketId);
    this.#inFlight++;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
    this.#queue.run(key, async () => {
      // Decide on what routing knows now, which may be newer than when this was scheduled.
      const current = this.#tickets.get(key) ?? ticket;
      const started = performance.now();
      const opened = text && sameText(current, ticket) ? text : undefined;
      const decision = await this.#decide(current, trigger, started, opened).catch((error) => {
        this.ports.log.error("routing decision failed", {
          ticketId: current.ticketId,
          error: String(error),
        });
        return decisionOf(current, trigger, [], "failed", started);
      });
      this.#remember(key, decision);
    }).finally(() => {
      this.#inFlight--;
      const left = this.#pending.get(key)! - 1;
      if (left > 0) return void this.#pending.set(key, left);
      this.#pending.delete(key);
      const latest = this.#tickets.get(key);
      if (this.#recheck.delete(key) && latest && needsAgent(latest)) {
        this.#schedule(latest, "assign");
      }
    });
  }

  async #decide(
    ticket: TrackedTicket,
    trigger: Decision["trigger"],
    started: number,
    text?: Promise<Text>,
  ) {
    if (trigger === "requeue") {
      const change: ServiceChange = {
        type: "AssignTicket",
        assigneeId: null,
        groupId: ticket.groupId,
      };
      const reasons = [`agent ${ticket.assigneeId} went offline`];
      return await this.#send(ticket, trigger, [change], reasons, started);
    }
    const view: RoutingTicket = { ...ticket, ...(await (text ?? this.ports.openText(ticket))) };
    let plan: RoutePlan;
    if (trigger === "assign") {
      plan = { changes: [], groupId: ticket.groupId, needsAgent: needsAgent(ticket), reasons: [] };
    } else {
      const asked = await this.ports.rules(view, trigger);
      const key = keyOf(ticket.tenant, ticket.ticketId);
      const touched = trigger === "updated" ? this.#touched.get(key) : undefined;
      this.#touched.delete(key);
      const rules = touched ? respectPeople(asked, touched) : asked;
      const ask = {
        queue: !rules.groupId && !view.groupId,
        priority: !rules.priority && view.priority === "normal",
      };
      const model = trigger === "created" && (ask.queue || ask.priority)
        ? this.ports.model(view, ask)
        : {};
      plan = planRoute(view, rules, model);
      for (const notice of rules.notify) {
        this.ports.notify(ticket.tenant, { ticketId: ticket.ticketId, ...notice });
      }
    }
    if (plan.needsAgent) plan = this.#withBestAgent(view, plan);
    return await this.#send(ticket, trigger, plan.changes, plan.reasons, started);
  }

  #withBestAgent(ticket: RoutingTicket, plan: RoutePlan): RoutePlan {
    const choice = pickAgent(assignmentNeed(ticket, plan.groupId), this.#candidates(ticket.tenant));
    const key = keyOf(ticket.tenant, ticket.ticketId);
    if (!choice) {
      this.#wait(ticket);
      return { ...plan, reasons: [...plan.reasons, "no agent fits: waiting in the group queue"] };
    }
    this.#reserved.set(key, keyOf(ticket.tenant, choice.agentId));
    return withAgent(plan, choice.agentId, choice.why);
  }

  #candidates(tenant: string): AssignmentCandidate[] {
    return this.ports.agents(tenant).map((agent) => {
      const agentKey = keyOf(tenant, agent.agentId);
      return {
        agent,
        status: this.ports.presence(tenant, agent.agentId),
        load: (this.#load.get(agentKey) ?? 0) + this.#reservedFor(agentKey),
        lastAssignedAt: this.#lastAssigned.get(agentKey) ?? null,
      };
    });
  }

  #reservedFor(agentKey: string): number {
    let count = 0;
    for (const reserved of this.#reserved.values()) if (reserved === agentKey) count++;
    return count;
  }

  async #send(
    ticket: TrackedTicket,
    trigger: Decision["trigger"],
    changes: ServiceChange[],
    reasons: string[],
    started: number,
  ): Promise<Decision> {
    const key = keyOf(ticket.tenant, ticket.ticketId);
    if (changes.length === 0) {
      const waiting = this.#waiting.get(ticket.tenant)?.has(key);
      return decisionOf(
        ticket,
        trigger,
        reasons,
        waiting ? "waiting_for_agent" : "nothing_to_do",
        started,
      );
    }
    const reply: TicketCommandReply = await this.ports.send(ticket.tenant, {
      service: ROUTING_SERVICE,
      ticketId: ticket.ticketId,
      changes,
      ifMatch: ticket.version,
      idempotencyKey: `routing:${trigger}:${ticket.ticketId}:${ticket.version}`,
    });
    if (!reply.ok) {
      this.#reserved.delete(key);
      // Someone changed the ticket first: their commit is routed on its own.
      const superseded = reply.code === "version_conflict" ||
        reply.code === "idempotency_key_reused";
      if (!superseded) {
        this.ports.log.warn("routing command refused", {
          ticketId: ticket.ticketId,
          code: reply.code,
        });
      }
      return decisionOf(ticket, trigger, reasons, superseded ? "superseded" : "failed", started);
    }
    return decisionOf(ticket, trigger, reasons, "sent", started);
  }

  #account(key: string, previous: TrackedTicket | undefined, next: TrackedTicket): void {
    const before = previous && holds(previous)
      ? keyOf(previous.tenant, previous.assigneeId!)
      : null;
    const after = holds(next) ? keyOf(next.tenant, next.assigneeId!) : null;
    if (before !== after) {
      if (before) this.#load.set(before, (this.#load.get(before) ?? 1) - 1);
      if (after) this.#load.set(after, (this.#load.get(after) ?? 0) + 1);
    }
    if (next.assigneeId !== previous?.assigneeId) {
      this.#reserved.delete(key);
      if (next.assigneeId) {
        this.#lastAssigned.set(keyOf(next.tenant, next.assigneeId), Date.parse(next.updatedAt));
      }
    }
    if (!needsAgent(next)) this.#waiting.get(next.tenant)?.delete(key);
    // A ticket that leaves an agent frees capacity: someone waiting may fit now.
    if (before && before !== after && this.#live) this.assignWaiting(next.tenant);
  }

  #wait(ticket: TrackedTicket | RoutingTicket): void {
    let waiting = this.#waiting.get(ticket.tenant);
    if (!waiting) this.#waiting.set(ticket.tenant, waiting = new Set());
    waiting.add(keyOf(ticket.tenant, ticket.ticketId));
  }

  #index(ticket: TrackedTicket, text: Promise<Text>): void {
    text.then(
      (text) => {
        if (text.subject || text.body) {
          this.ports.similar.upsert(ticket.tenant, ticket.ticketId, text);
        }
      },
      (error) => this.ports.log.warn("similar index skipped a ticket", { error: String(error) }),
    );
  }

  #remember(key: string, decision: Decision): void {
    const earlier = this.#decisions.get(key);
    // A follow-up check that found nothing to do does not hide the decision that mattered, and
    // an assignment attempt is told beside it, not instead of it.
    if (decision.outcome === "nothing_to_do" && earlier) return;
    if (decision.trigger === "assign" && earlier && earlier.trigger !== "assign") {
      const { version, reasons, outcome } = decision;
      decision = { ...earlier, assignment: { version, reasons, outcome } };
    }
    this.#decisions.delete(key);
    this.#decisions.set(key, decision);
    if (this.#decisions.size > this.maxDecisions) {
      this.#decisions.delete(this.#decisions.keys().next().value!);
    }
  }
}

function keyOf(tenant: string, id: string): string {
  return `${tenant}/${id}`;
}

function holds(ticket: TrackedTicket): boolean {
  return ticket.assigneeId !== null && HOLDING.has(ticket.status);
}

function needsAgent(ticket: TrackedTicket): boolean {
  return ticket.assigneeId === null && HOLDING.has(ticket.status);
}

function decisionOf(
  ticket: TrackedTicket,
  trigger: Decision["trigger"],
  reasons: string[],
  outcome: Decision["outcome"],
  started: number,
): Decision {
  return {
    ticketId: ticket.ticketId,
    version: ticket.version,
    trigger,
    reasons,
    outcome,
    decidedInMs: performance.now() - started,
  };
}

/** The fields a commit by a person changed. */
function touchedBy(commit: TicketCommit): Set<TouchedField> {
  const touched = new Set<TouchedField>();
  for (const event of commit.events) {
    if (event.type === "TicketPriorityChanged") touched.add("priority");
    if (event.type === "TicketTagsChanged") touched.add("tags");
    if (event.type === "TicketAssigned") touched.add("group").add("assignee");
  }
  return touched;
}

/** Whether two states of a ticket hold the same sealed text (so the same opened text). */
function sameText(a: TrackedTicket, b: TrackedTicket): boolean {
  return a.sealedSubject === b.sealedSubject && a.sealedBody === b.sealedBody && !a.erased;
}
