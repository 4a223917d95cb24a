/**
 * Every tenant's active agent profiles, in memory for assignment (which must not wait on the
 * database), loaded at start and reloaded for a tenant when any instance changes one of its
 * agents (a message on `routing.agents.<tenant>.changed`).
 * @module
 */
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import type { Sql } from "postgres";
import type { AgentProfile } from "./domain/assignment.ts";
import type { AgentStore } from "./store/agents_store.ts";

export function agentsChangedSubject(tenant: string): string {
  return `routing.agents.${tenant}.changed`;
}

export class AgentDirectory {
  readonly #agents = new Map<string, readonly AgentProfile[]>();
  readonly #subscription: Subscription;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly store: AgentStore,
    private readonly onReloaded: (tenant: string) => void,
  ) {
    this.#subscription = nc.subscribe(agentsChangedSubject("*"));
    const subscription = this.#subscription;
    (async () => {
      for await (const msg of subscription) void this.#reload(msg.subject.split(".")[2]);
    })();
  }

  /** Loads every tenant's agents; `onReloaded` hears of each later reload. */
  static async open(
    nc: NatsConnection,
    sql: Sql,
    store: AgentStore,
    onReloaded: (tenant: string) => void,
  ): Promise<AgentDirectory> {
    const directory = new AgentDirectory(nc, store, onReloaded);
    const tenants = await sql<{ tenant: string }[]>`select distinct tenant from routing_agents`;
    for (const { tenant } of tenants) {
      directory.#agents.set(tenant, await store.active(tenant, null));
    }
    return directory;
  }

  agents(tenant: string): readonly AgentProfile[] {
    return this.#agents.get(tenant) ?? [];
  }

  /** True when some active agent of `tenant` is in `groupId` (a queue that exists). */
  hasGroup(tenant: string, groupId: string): boolean {
    return this.agents(tenant).some((agent) => agent.groups.includes(groupId));
  }

  /** Announces a change of one of `tenant`'s agents to every instance (this one included). */
  changed(tenant: string): void {
    this.nc.publish(agentsChangedSubject(tenant));
  }

  async stop(): Promise<void> {
    await this.#subscription.drain().catch(() => {});
  }

  async #reload(tenant: string): Promise<void> {
    this.#agents.set(tenant, await this.store.active(tenant, null));
    this.onReloaded(tenant);
  }
}
