/**
 * The custom status catalogue in PostgreSQL (`migrations/005_custom_statuses.sql`): list, look
 * up, create, rename, retire. Names are metadata like tags, stored in the clear.
 * @module
 */
import type { Sql } from "postgres";
import type { TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import {
  checkCatalogueRoom,
  type CustomStatus,
  type StatusNames,
} from "../domain/custom_statuses.ts";

interface StatusRow {
  id: string;
  category: TicketStatus;
  names: StatusNames;
  retiredAt: Date | null;
}

const UNIQUE_VIOLATION = "23505";

/** A tenant's custom statuses, in PostgreSQL. */
export class CustomStatusStore {
  constructor(private readonly sql: Sql, private readonly maxPerTenant: number) {}

  /** Every status of `tenant` in creation order, retired ones included. */
  async list(tenant: string): Promise<CustomStatus[]> {
    const rows = await this.sql<StatusRow[]>`
      select id, category, names, retired_at from custom_statuses
      where tenant = ${tenant} order by id`;
    return rows.map(toStatus);
  }

  /** One status, or null when `tenant` has none by that id. */
  async get(tenant: string, id: string): Promise<CustomStatus | null> {
    const [row] = await this.sql<StatusRow[]>`
      select id, category, names, retired_at from custom_statuses
      where tenant = ${tenant} and id = ${id}`;
    return row ? toStatus(row) : null;
  }

  /** Adds a status; the tenant's row count is checked under a per-tenant lock. */
  async create(
    tenant: string,
    status: Omit<CustomStatus, "retired">,
    at: Date,
  ): Promise<CustomStatus> {
    return await uniqueName(this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${"custom_statuses:" + tenant}))`;
      const [{ count }] = await tx<{ count: number }[]>`
        select count(*)::int4 as count from custom_statuses where tenant = ${tenant}`;
      checkCatalogueRoom(count, this.maxPerTenant);
      await tx`insert into custom_statuses
        (tenant, id, category, names, retired_at, created_at, updated_at)
        values (${tenant}, ${status.id}, ${status.category}, ${tx.json({ ...status.names })},
                null, ${at}, ${at})`;
      return { ...status, retired: false };
    }));
  }

  /** New names for a status; its id and category never change. */
  async rename(tenant: string, id: string, names: StatusNames, at: Date): Promise<CustomStatus> {
    const [row] = await uniqueName(this.sql<StatusRow[]>`
      update custom_statuses set names = ${this.sql.json({ ...names })}, updated_at = ${at}
      where tenant = ${tenant} and id = ${id}
      returning id, category, names, retired_at`);
    return found(row, id);
  }

  /** Retires a status (idempotent): no ticket may newly take it; those holding it keep it. */
  async retire(tenant: string, id: string, at: Date): Promise<CustomStatus> {
    const [row] = await this.sql<StatusRow[]>`
      update custom_statuses set retired_at = coalesce(retired_at, ${at}), updated_at = ${at}
      where tenant = ${tenant} and id = ${id}
      returning id, category, names, retired_at`;
    return found(row, id);
  }
}

function toStatus(row: StatusRow): CustomStatus {
  return { id: row.id, category: row.category, names: row.names, retired: row.retiredAt !== null };
}

function found(row: StatusRow | undefined, id: string): CustomStatus {
  if (!row) fail("custom_status_not_found", `No custom status "${id}"`, 404);
  return toStatus(row);
}

/** A live status already has this English name: 409 with a code, not a constraint error. */
async function uniqueName<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      fail("custom_status_name_taken", "A live custom status already has this name", 409);
    }
    throw error;
  }
}
