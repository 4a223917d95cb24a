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
      select id, tenant, username, email, role, groups, created_at, updated_at, password_hash
      from identity_users where tenant = ${tenant} and username = ${username}`;
    return row ?? null;
  }

  /** The user `id` of `tenant`, or null. */
  async find(tenant: string, id: string): Promise<User | null> {
    const [row] = await this.sql<User[]>`
      select id, tenant, username, email, role, groups, created_at, updated_at
      from identity_users where tenant = ${tenant} and id = ${id}`;
    return row ?? null;
  }

  /** A page of `tenant`'s users in id order, after the id `after`. */
  async list(tenant: string, page: { after?: string; limit: number }): Promise<User[]> {
    return await this.sql<User[]>`
      select id, tenant, username, email, role, groups, created_at, updated_at
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
        returning id, tenant, username, email, role, groups, created_at, updated_at`;
      return row;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        fail("username_taken", `Tenant "${user.tenant}" has a user "${user.username}"`, 409);
      }
      throw error;
    }
  }

  /** Changes what is given; null when there is no such user in `tenant`. */
  async update(
    tenant: string,
    id: string,
    change: { role?: IdentityRole; groups?: string[]; passwordHash?: string },
  ): Promise<User | null> {
    const [row] = await this.sql<User[]>`
      update identity_users set
        role = coalesce(${change.role ?? null}, role),
        groups = coalesce(${change.groups ?? null}::text[], groups),
        password_hash = coalesce(${change.passwordHash ?? null}, password_hash),
        updated_at = now()
      where tenant = ${tenant} and id = ${id}
      returning id, tenant, username, email, role, groups, created_at, updated_at`;
    return row ?? null;
  }

  /** How many users exist in all tenants (0: a fresh installation). */
  async count(): Promise<number> {
    const [{ count }] = await this.sql<{ count: number }[]>`
      select count(*)::int as count from identity_users`;
    return count;
  }
}
