/**
 * Each tenant's rule set and time zone, cached in memory and dropped when any instance saves a
 * change (a message on `routing.rules.<tenant>.changed`, never a database poll).
 * @module
 */
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { evaluateRules, type Evaluation } from "./domain/rules/evaluate.ts";
import type { Rule } from "./domain/rules/rule_schema.ts";
import type { RuleActions } from "./domain/route_plan.ts";
import type { RoutingTicket } from "./domain/routing_ticket.ts";
import type { RuleTrigger } from "./router.ts";

/** Saves of a tenant's rules or calendar are announced here. */
export function rulesChangedSubject(tenant: string): string {
  return `routing.rules.${tenant}.changed`;
}

interface TenantRules {
  rules: readonly Rule[];
  timeZone: string;
}

export interface RuleBookDeps {
  nc: NatsConnection;
  rules(tenant: string): Promise<readonly Rule[]>;
  /** The tenant's zone for time-of-day rules (its SLA calendar's, else the default). */
  timeZone(tenant: string): Promise<string>;
  now(): number;
  regexTextLimit: number;
}

export class RuleBook {
  readonly #tenants = new Map<string, Promise<TenantRules>>();
  /** Zones already loaded, for callers that cannot wait (see {@link zoneNow}). */
  readonly #zones = new Map<string, string>();
  readonly #subscription: Subscription;

  constructor(private readonly deps: RuleBookDeps) {
    this.#subscription = deps.nc.subscribe(rulesChangedSubject("*"));
    const subscription = this.#subscription;
    (async () => {
      for await (const msg of subscription) this.#tenants.delete(msg.subject.split(".")[2]);
    })();
  }

  /** Announces a change to every instance (this one included). */
  changed(tenant: string): void {
    this.#tenants.delete(tenant);
    this.deps.nc.publish(rulesChangedSubject(tenant));
  }

  /** The tenant's zone, as rules see it. */
  async timeZone(tenant: string): Promise<string> {
    return (await this.#load(tenant)).timeZone;
  }

  /** The tenant's zone if loaded (a request loads it first with {@link timeZone}), else UTC. */
  zoneNow(tenant: string): string {
    return this.#zones.get(tenant) ?? "UTC";
  }

  /** The full evaluation (every rule, fired or not, and why): the dry run and the decision. */
  async evaluate(ticket: RoutingTicket, trigger: RuleTrigger): Promise<Evaluation> {
    const { rules, timeZone } = await this.#load(ticket.tenant);
    return evaluateRules(rules, ticket, {
      trigger,
      now: this.deps.now(),
      timeZone,
      regexTextLimit: this.deps.regexTextLimit,
    });
  }

  /** What the rules ask for, merged, with the rules that fired. */
  async actions(ticket: RoutingTicket, trigger: RuleTrigger): Promise<RuleActions> {
    const evaluation = await this.evaluate(ticket, trigger);
    const fired = evaluation.rules.filter((rule) => rule.fired).map((rule) => rule.ruleId);
    return { ...evaluation.actions, fired };
  }

  async stop(): Promise<void> {
    await this.#subscription.drain().catch(() => {});
  }

  #load(tenant: string): Promise<TenantRules> {
    let loading = this.#tenants.get(tenant);
    if (!loading) {
      loading = Promise.all([this.deps.rules(tenant), this.deps.timeZone(tenant)])
        .then(([rules, timeZone]) => {
          this.#zones.set(tenant, timeZone);
          return { rules, timeZone };
        });
      loading.catch(() => this.#tenants.delete(tenant));
      this.#tenants.set(tenant, loading);
    }
    return loading;
  }
}
