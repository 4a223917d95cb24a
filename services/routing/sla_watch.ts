/**
 * SLA clocks in the running service: each ticket's SLA state is folded from its commits (so the
 * timers are rebuilt from the stream after a restart), alarms that come due are published to the
 * `ROUTING` stream (message id per alarm, so two instances store one), and routing's own alarm
 * events are folded back so a restart never raises one twice. A warning or breach then runs the
 * rules with that trigger: escalation is a rule action.
 * @module
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import {
  ALL_ROUTING_EVENTS_SUBJECT,
  decodeRoutingEvent,
  encodeRoutingEvent,
  ROUTING_STREAM,
  type RoutingEvent,
  routingSubject,
  slaMessageId,
} from "@ticketd/shared/events/routing.ts";
import { ensureStream } from "@ticketd/shared/eventstore/jetstream.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { alarmKey } from "./domain/sla/alarms.ts";
import type { SlaPolicy } from "./domain/sla/policy.ts";
import { evolveSla, recordIssued, type SlaState } from "./domain/sla/sla_state.ts";
import type { TrackedTicket } from "./domain/ticket_fold.ts";
import { type DueAlarm, SlaTimers } from "./sla/sla_timers.ts";

/** Alarm events are deduplicated for this long (an instance restarting later reads them back). */
const ALARM_DUPLICATE_WINDOW_MS = 24 * 3_600_000;

export interface SlaWatchDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  policy(tenant: string): Promise<SlaPolicy>;
  escalate(tenant: string, ticketId: string, trigger: "sla_warning" | "sla_breached"): void;
  log: Logger;
  now(): number;
}

export class SlaWatch {
  readonly #states = new Map<string, SlaState>();
  readonly #issued = new Map<string, string[]>();
  readonly #policies = new Map<string, SlaPolicy | Promise<SlaPolicy>>();
  readonly #timers: SlaTimers;

  private constructor(private readonly deps: SlaWatchDeps) {
    this.#timers = new SlaTimers({ now: deps.now, onDue: (alarms) => this.#publish(alarms) });
  }

  /** Ensures the stream and reads back the alarms already issued. Timers start with `start()`. */
  static async open(deps: SlaWatchDeps): Promise<SlaWatch> {
    await ensureStream(deps.jsm, {
      name: ROUTING_STREAM,
      subjects: [ALL_ROUTING_EVENTS_SUBJECT],
      duplicateWindowMs: ALARM_DUPLICATE_WINDOW_MS,
    });
    const watch = new SlaWatch(deps);
    await watch.#readIssued();
    return watch;
  }

  /** Arms the timers (once routing has caught up: alarms are acted on, not replayed). */
  start(): void {
    this.#timers.start();
  }

  stop(): void {
    this.#timers.stop();
  }

  get tracked(): number {
    return this.#timers.size;
  }

  /** The folded SLA state of a ticket, for `GET /routing/sla/tickets/:id`. */
  state(tenant: string, ticketId: string): SlaState | undefined {
    return this.#states.get(`${tenant}/${ticketId}`);
  }

  /** The folded SLA states of `tenant`'s open tickets, for `GET /routing/sla/at-risk`. */
  *statesOf(tenant: string): Generator<[ticketId: string, state: SlaState]> {
    const prefix = `${tenant}/`;
    for (const [key, state] of this.#states) {
      if (key.startsWith(prefix)) yield [key.slice(prefix.length), state];
    }
  }

  /** Folds a ticket change into its SLA state and re-arms its alarms. */
  update(ticket: TrackedTicket, previous: TrackedTicket | undefined): void {
    const key = `${ticket.tenant}/${ticket.ticketId}`;
    if (ticket.status === "closed" || ticket.erased) {
      this.#states.delete(key);
      this.#timers.untrack(ticket.ticketId);
      return;
    }
    const before = this.#states.get(key);
    const moved = !previous || previous.status !== ticket.status ||
      previous.priority !== ticket.priority || previous.firstResponseAt !== ticket.firstResponseAt;
    if (before && !moved) return;
    let state = evolveSla(before, {
      at: before ? ticket.updatedAt : ticket.createdAt,
      status: ticket.status,
      priority: ticket.priority,
      firstResponseAt: ticket.firstResponseAt,
    });
    for (const issued of this.#issued.get(key) ?? []) state = recordIssued(state, issued);
    this.#states.set(key, state);
    this.#track(ticket.tenant, ticket.ticketId, state);
  }

  /** The tenant's calendar or targets changed: every clock of the tenant is re-targeted. */
  async policyChanged(tenant: string): Promise<void> {
    this.#policies.delete(tenant);
    const policy = await this.#policy(tenant);
    for (const [key, state] of this.#states) {
      if (key.startsWith(`${tenant}/`)) {
        this.#timers.track({ tenant, ticketId: key.slice(tenant.length + 1) }, state, policy);
      }
    }
  }

  #track(tenant: string, ticketId: string, state: SlaState): void {
    const known = this.#policies.get(tenant);
    if (known && !(known instanceof Promise)) {
      this.#timers.track({ tenant, ticketId }, state, known);
      return;
    }
    // First ticket of a tenant: its policy loads once, then every state folded meanwhile tracks.
    this.#policy(tenant).then(
      (policy) => {
        const latest = this.#states.get(`${tenant}/${ticketId}`);
        if (latest) this.#timers.track({ tenant, ticketId }, latest, policy);
      },
      (error) => this.deps.log.error("SLA policy could not load", { tenant, error: String(error) }),
    );
  }

  #policy(tenant: string): Promise<SlaPolicy> {
    const known = this.#policies.get(tenant);
    if (known) return Promise.resolve(known);
    const loading = this.deps.policy(tenant).then((policy) => {
      this.#policies.set(tenant, policy);
      return policy;
    });
    this.#policies.set(tenant, loading);
    loading.catch(() => this.#policies.delete(tenant));
    return loading;
  }

  #publish(alarms: DueAlarm[]): void {
    for (const alarm of alarms) {
      const data = {
        ticketId: alarm.ticketId,
        tenant: alarm.tenant,
        target: alarm.target,
        dueAt: new Date(alarm.dueAt).toISOString(),
        policyPriority: alarm.policyPriority,
      };
      const event: RoutingEvent = alarm.stage === "warning"
        ? { type: "SlaWarningIssued", data }
        : { type: "SlaBreached", data };
      this.#remember(event);
      this.deps.js.publish(
        routingSubject(alarm.tenant, alarm.ticketId),
        encodeRoutingEvent(event),
        {
          msgID: slaMessageId(event),
        },
      ).then(
        () =>
          this.deps.escalate(
            alarm.tenant,
            alarm.ticketId,
            alarm.stage === "warning" ? "sla_warning" : "sla_breached",
          ),
        (error) => this.deps.log.error("SLA alarm not stored", { error: String(error) }),
      );
    }
  }

  #remember(event: RoutingEvent): void {
    const { tenant, ticketId, target, dueAt } = event.data;
    const key = `${tenant}/${ticketId}`;
    const stage = event.type === "SlaWarningIssued" ? "warning" : "breach";
    const issued = alarmKey({ target, stage, dueAt: Date.parse(dueAt) });
    const list = this.#issued.get(key) ?? [];
    if (!list.includes(issued)) this.#issued.set(key, [...list, issued]);
    const state = this.#states.get(key);
    if (state) this.#states.set(key, recordIssued(state, issued));
  }

  async #readIssued(): Promise<void> {
    const head = (await this.deps.jsm.streams.info(ROUTING_STREAM)).state.last_seq;
    if (head === 0) return;
    const consumer = await this.deps.js.consumers.get(ROUTING_STREAM);
    const messages = await consumer.consume({ max_messages: 1024 });
    for await (const msg of messages) {
      try {
        this.#remember(decodeRoutingEvent(msg.data));
      } catch (error) {
        this.deps.log.error("routing skipped an undecodable alarm", { error: String(error) });
      }
      if (msg.seq >= head) break;
    }
    messages.stop();
  }
}
