/**
 * Users per tenant in PostgreSQL. Every query names the tenant, so a user of another tenant is
 * simply not found. Password hashes never leave this module except for checking.
 * @module
 */
import type { Sql } from "postgres";
import { fail } from "@ticketd/shared/errors.ts";
import type { IdentityRole } from "../domain/roles.ts";

export interface User {
  id: string;
  tenant: string;
  username: string;
  email: string | null;
  role: IdentityRole;
  groups: string[];
  createdAt: Date;
  updatedAt: Date;
  /** Raised by every change that ends the user's sessions (see `sessions.ts`). */
  sessionEpoch: number;
}

/** What an admin may change; each ends the user's sessions. */
export interface UserChange {
  role?: IdentityRole;
  groups?: string[];
  passwordHash?: string;
}

export interface NewUser {
  id: string;
  tenant: string;
  username: string;
  email: string | null;
  passwordHash: string;
  role: IdentityRole;
  groups: string[];
}

const UNIQUE_VIOLATION = "23505";

/** The users table. */
export class UserStore {
  constructor(private readonly sql: Sql) {}

  /** A user and their password hash, by tenant and (normalised) user name. */
  async credentials(
    tenant: string,
    username: string,
  ): Promise<User & { passwordHash: string } | null> {
    const [row] = await this.sql<(User & { passwordHash: string })[]>`
      select id, tenant, username, email, role, groups, created_at, updated_at, session_epoch,
        password_hash
      from identity_users where tenant = ${tenant} and username = ${username}`;
    return row ?? null;
  }

  /** The user `id` of `tenant`, or null. */
  async find(tenant: string, id: string): Promise<User | null> {
    const [row] = await this.sql<User[]>`
      select id, tenant, username, email, role, groups, created_at, updated_at, session_epoch
      from identity_users where tenant = ${tenant} and id = ${id}`;
    return row ?? null;
  }

  /** The usernames of those of `ids` that are users of `tenant` (the others are left out). */
  async names(tenant: string, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    if (ids.length === 0) return [];
    return await this.sql<{ id: string; name: string }[]>`
      select id::text as id, username as name from identity_users
      where tenant = ${tenant} and id = any(${ids as string[]}::bigint[]) order by id`;
  }

  /** A page of `tenant`'s users in id order, after the id `after`. */
  async list(tenant: string, page: { after?: string; limit: number }): Promise<User[]> {
    return await this.sql<User[]>`
      select id, tenant, username, email, role, groups, created_at, updated_at, session_epoch
      from identity_users
      where tenant = ${tenant} and id > ${page.after ?? "0"}
      order by id limit ${page.limit}`;
  }

  /** Adds a user; 409 `username_taken` when the tenant has that name already. */
  async create(user: NewUser): Promise<User> {
    try {
      const [row] = await this.sql<User[]>`
        insert into identity_users (id, tenant, username, email, password_hash, role, groups)
        values (${user.id}, ${user.tenant}, ${user.username}, ${user.email},
          ${user.passwordHash}, ${user.role}, ${user.groups})
        returning id, tenant, username, email, role, groups, created_at, updated_at,
          session_epoch`;
      return row;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        fail("username_taken", `Tenant "${user.tenant}" has a user "${user.username}"`, 409);
      }
      throw error;
    }
  }

  /** The user `id` of `tenant`, share-locked for the transaction `tx` (a change waits). */
  async lockForShare(tx: Sql, tenant: string, id: string): Promise<User | null> {
    const [row] = await tx<User[]>`
      select id, tenant, username, email, role, groups, created_at, updated_at, session_epoch
      from identity_users where tenant = ${tenant} and id = ${id} for share`;
    return row ?? null;
  }

  /**
   * The ids of `tenant`'s admins, locked for `tx`: two demotions at once queue here, and the
   * second sees the first's result (so both cannot leave the tenant without an admin).
   */
  async lockAdmins(tx: Sql, tenant: string): Promise<string[]> {
    const rows = await tx<{ id: string }[]>`
      select id from identity_users where tenant = ${tenant} and role = 'admin'
      order by id for update`;
    return rows.map((row) => row.id);
  }

  /**
   * Changes what is given and raises the session epoch, in `tx`; null when there is no such user
   * in `tenant`. Only {@link ../sessions.ts} calls this, which also revokes the user's tokens.
   */
  async change(tx: Sql, tenant: string, id: string, change: UserChange): Promise<User | null> {
    const [row] = await tx<User[]>`
      update identity_users set
        role = coalesce(${change.role ?? null}, role),
        groups = coalesce(${change.groups ?? null}::text[], groups),
        password_hash = coalesce(${change.passwordHash ?? null}, password_hash),
        session_epoch = session_epoch + 1,
        updated_at = now()
      where tenant = ${tenant} and id = ${id}
      returning id, tenant, username, email, role, groups, created_at, updated_at, session_epoch`;
    return row ?? null;
  }

  /**
   * Stores a stronger hash of the same password (at sign-in); sessions stay. Only if the hash is
   * still `checked`, the one the password was verified against: a new password set meanwhile
   * is never overwritten by a rehash of the old one.
   */
  async rehash(tenant: string, id: string, checked: string, passwordHash: string): Promise<void> {
    await this.sql`
      update identity_users set password_hash = ${passwordHash}
      where tenant = ${tenant} and id = ${id} and password_hash = ${checked}`;
  }

  /** How many users exist in all tenants (0: a fresh installation). */
  async count(): Promise<number> {
    const [{ count }] = await this.sql<{ count: number }[]>`
      select count(*)::int as count from identity_users`;
    return count;
  }
}
