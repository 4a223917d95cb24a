/**
 * Agent profiles per tenant in PostgreSQL (`routing_agents`). Every query names the tenant, so
 * an agent of another tenant is simply not found. Expects the `postgres.camel` transform.
 * @module
 */
import type { Sql } from "postgres";
import type { AgentProfile } from "../domain/assignment.ts";

/** The most open tickets an agent holds when their profile names no capacity. */
export const DEFAULT_AGENT_CAPACITY = 5;

export interface StoredAgent extends AgentProfile {
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentPage {
  /** Only agent ids above this one (decimal). */
  after?: string;
  limit: number;
  /** Only members of this group. */
  group?: string;
}

/** The `routing_agents` table. */
export class AgentStore {
  constructor(private readonly sql: Sql) {}

  /** The profile of `agentId` in `tenant`, or null. */
  async find(tenant: string, agentId: string): Promise<StoredAgent | null> {
    const [row] = await this.sql<StoredAgent[]>`
      select tenant, agent_id, display_name, skills, languages, groups, capacity, active,
        created_at, updated_at
      from routing_agents where tenant = ${tenant} and agent_id = ${agentId}`;
    return row ?? null;
  }

  /** A page of `tenant`'s agents in id order. */
  async list(tenant: string, page: AgentPage): Promise<StoredAgent[]> {
    const group = page.group ?? null;
    const rows = await this.sql<StoredAgent[]>`
      select tenant, agent_id, display_name, skills, languages, groups, capacity, active,
        created_at, updated_at
      from routing_agents
      where tenant = ${tenant} and agent_id > ${page.after ?? ""}
        and (${group}::text is null or ${group}::text = any(groups))
      order by agent_id limit ${page.limit}`;
    return [...rows];
  }

  /** Every active agent of `tenant`, of `group` when given: the candidates for assignment. */
  async active(tenant: string, group: string | null = null): Promise<StoredAgent[]> {
    const rows = await this.sql<StoredAgent[]>`
      select tenant, agent_id, display_name, skills, languages, groups, capacity, active,
        created_at, updated_at
      from routing_agents
      where tenant = ${tenant} and active
        and (${group}::text is null or ${group}::text = any(groups))
      order by agent_id`;
    return [...rows];
  }

  /** Creates or replaces the profile; `created` tells which. */
  async put(agent: AgentProfile): Promise<{ agent: StoredAgent; created: boolean }> {
    const [row] = await this.sql<(StoredAgent & { inserted: boolean })[]>`
      insert into routing_agents
        (tenant, agent_id, display_name, skills, languages, groups, capacity, active)
      values (${agent.tenant}, ${agent.agentId}, ${agent.displayName}, ${[...agent.skills]},
        ${[...agent.languages]}, ${[...agent.groups]}, ${agent.capacity}, ${agent.active})
      on conflict (tenant, agent_id) do update set
        display_name = excluded.display_name, skills = excluded.skills,
        languages = excluded.languages, groups = excluded.groups,
        capacity = excluded.capacity, active = excluded.active, updated_at = now()
      returning tenant, agent_id, display_name, skills, languages, groups, capacity, active,
        created_at, updated_at, (xmax = 0) as inserted`;
    const { inserted, ...stored } = row;
    return { agent: stored, created: inserted };
  }

  /** Removes the profile; false when there was none. */
  async remove(tenant: string, agentId: string): Promise<boolean> {
    const rows = await this.sql`
      delete from routing_agents where tenant = ${tenant} and agent_id = ${agentId}
      returning agent_id`;
    return rows.length === 1;
  }
}
