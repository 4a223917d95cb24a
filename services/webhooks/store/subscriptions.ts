/**
 * The `webhook_subscriptions` table (postgres.js, camel transform). Every query names the
 * tenant: a subscription of another tenant is simply not found. Rows hold the sealed secrets;
 * {@link publicView} is what leaves over HTTP.
 * @module
 */
import type { Sql } from "postgres";

export interface SubscriptionRow {
  id: string;
  tenant: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewSubscription = Pick<
  SubscriptionRow,
  "id" | "tenant" | "url" | "description" | "eventTypes" | "enabled" | "secretSealed"
>;

export type SubscriptionChange = Partial<
  Pick<SubscriptionRow, "url" | "description" | "eventTypes" | "enabled">
>;

/** A subscription as the API shows it: no secret, sealed or not. */
export function publicView(row: SubscriptionRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export class SubscriptionStore {
  constructor(private readonly sql: Sql) {}

  async create(row: NewSubscription): Promise<SubscriptionRow> {
    const [created] = await this.sql<SubscriptionRow[]>`
      insert into webhook_subscriptions ${this.sql(row)} returning *`;
    return created;
  }

  async count(tenant: string): Promise<number> {
    const [{ count }] = await this.sql<{ count: number }[]>`
      select count(*)::int as count from webhook_subscriptions where tenant = ${tenant}`;
    return count;
  }

  async list(tenant: string): Promise<SubscriptionRow[]> {
    return await this.sql<SubscriptionRow[]>`
      select * from webhook_subscriptions where tenant = ${tenant} order by id`;
  }

  async get(tenant: string, id: string): Promise<SubscriptionRow | null> {
    const [row] = await this.sql<SubscriptionRow[]>`
      select * from webhook_subscriptions where tenant = ${tenant} and id = ${id}`;
    return row ?? null;
  }

  async update(tenant: string, id: string, change: SubscriptionChange) {
    const [row] = await this.sql<SubscriptionRow[]>`
      update webhook_subscriptions set
        url = coalesce(${change.url ?? null}, url),
        description = coalesce(${change.description ?? null}, description),
        event_types = coalesce(${change.eventTypes ?? null}::text[], event_types),
        enabled = coalesce(${change.enabled ?? null}::boolean, enabled),
        updated_at = now()
      where tenant = ${tenant} and id = ${id}
      returning *`;
    return row ?? null;
  }

  async remove(tenant: string, id: string): Promise<boolean> {
    const rows = await this.sql`
      delete from webhook_subscriptions where tenant = ${tenant} and id = ${id} returning id`;
    return rows.length > 0;
  }

  /** The new secret replaces the current one, which stays valid until `previousUntil`. */
  async rotate(tenant: string, id: string, sealed: string, previousUntil: Date) {
    const [row] = await this.sql<SubscriptionRow[]>`
      update webhook_subscriptions set
        previous_secret_sealed = secret_sealed,
        previous_secret_expires_at = ${previousUntil},
        secret_sealed = ${sealed},
        updated_at = now()
      where tenant = ${tenant} and id = ${id}
      returning *`;
    return row ?? null;
  }

  /** The enabled subscriptions of `tenants`, for the feed to match events against. */
  async enabledOf(
    tenants: string[],
  ): Promise<Pick<SubscriptionRow, "id" | "tenant" | "eventTypes">[]> {
    return await this.sql<Pick<SubscriptionRow, "id" | "tenant" | "eventTypes">[]>`
      select id, tenant, event_types from webhook_subscriptions
      where enabled and tenant = any(${tenants})`;
  }
}
