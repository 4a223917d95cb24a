/**
 * Macros in PostgreSQL (`migrations/008_macros.sql`). The text arrives and leaves sealed; the
 * store never sees plaintext. Names, statuses, tags and assignment are metadata, in the clear.
 * @module
 */
import type { Sql } from "postgres";
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Macro } from "../domain/macros.ts";

/** A macro as stored: its text sealed. */
export type StoredMacro = Omit<Macro, "text"> & {
  text: { sealed: string; internal: boolean } | null;
};

interface MacroRow {
  id: string;
  ownerId: string | null;
  name: string;
  bodySealed: string | null;
  internal: boolean;
  status: TicketStatus | null;
  customStatusId: string | null;
  priority: Priority | null;
  tagsAdd: string[];
  tagsRemove: string[];
  assignment: Macro["assignment"];
}

/** The tenant's macros and each agent's own. */
export class MacroStore {
  constructor(private readonly sql: Sql, private readonly maxPerOwner: number) {}

  /** The tenant's macros and `agentId`'s own, tenant's first, each oldest first. */
  async visibleTo(tenant: string, agentId: string): Promise<StoredMacro[]> {
    const rows = await this.sql<MacroRow[]>`
      select * from macros
      where tenant = ${tenant} and (owner_id is null or owner_id = ${agentId})
      order by owner_id nulls first, id`;
    return rows.map(toMacro);
  }

  /** One macro, or null. */
  async get(tenant: string, id: string): Promise<StoredMacro | null> {
    const [row] = await this.sql<MacroRow[]>`
      select * from macros where tenant = ${tenant} and id = ${id}`;
    return row ? toMacro(row) : null;
  }

  /** Saves a new macro; an owner (the tenant, or one agent) keeps at most `maxPerOwner`. */
  async create(tenant: string, macro: StoredMacro, at: Date): Promise<void> {
    await this.sql.begin(async (tx) => {
      const owner = macro.ownerId ?? "";
      await tx`select pg_advisory_xact_lock(hashtext(${`macros:${tenant}:${owner}`}))`;
      const [{ count }] = await tx<{ count: number }[]>`
        select count(*)::int4 as count from macros where tenant = ${tenant}
          and owner_id is not distinct from ${macro.ownerId}`;
      if (count >= this.maxPerOwner) {
        fail("too_many_macros", `An owner may keep at most ${this.maxPerOwner} macros`, 422, {
          max: this.maxPerOwner,
        });
      }
      await tx`insert into macros ${tx(rowOf(tenant, macro, at, tx.json))}`;
    });
  }

  /** Replaces a macro's content (its id and owner stay). */
  async replace(tenant: string, macro: StoredMacro, at: Date): Promise<void> {
    const row = rowOf(tenant, macro, at, this.sql.json);
    const { createdAt: _, tenant: __, id: ___, ownerId: ____, ...changes } = row;
    await this.sql`update macros set ${
      this.sql(changes)
    } where tenant = ${tenant} and id = ${macro.id}`;
  }

  async delete(tenant: string, id: string): Promise<void> {
    await this.sql`delete from macros where tenant = ${tenant} and id = ${id}`;
  }
}

function toMacro(row: MacroRow): StoredMacro {
  return {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    text: row.bodySealed === null ? null : { sealed: row.bodySealed, internal: row.internal },
    status: row.status,
    customStatusId: row.customStatusId,
    priority: row.priority,
    tags: { add: row.tagsAdd, remove: row.tagsRemove },
    assignment: row.assignment,
  };
}

function rowOf(
  tenant: string,
  m: StoredMacro,
  at: Date,
  json: Sql["json"],
) {
  return {
    tenant,
    id: m.id,
    ownerId: m.ownerId,
    name: m.name,
    bodySealed: m.text?.sealed ?? null,
    internal: m.text?.internal ?? false,
    status: m.status,
    customStatusId: m.customStatusId,
    priority: m.priority,
    tagsAdd: m.tags.add,
    tagsRemove: m.tags.remove,
    assignment: m.assignment === null ? null : json({ ...m.assignment }),
    createdAt: at,
    updatedAt: at,
  };
}
