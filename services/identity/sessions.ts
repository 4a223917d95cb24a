/**
 * Changes to a user that must sign them out everywhere: a new password, role or groups (and a
 * future disable). One transaction changes the user, raises their session epoch and revokes all
 * their refresh-token families and unexpired access tokens (onto the deny list, which the users
 * API and, in `deno task start`, the tickets service check at once, and `GET /oauth/revoked`
 * publishes to resource servers that poll it). Codes and families of an older epoch are refused
 * by the token endpoint, so a sign-in in flight while the change commits does not survive it.
 * @module
 */
import type { Sql } from "postgres";
import { fail } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { GrantStore } from "./store/grants.ts";
import type { User, UserChange, UserStore } from "./store/users.ts";

export interface UserSessionsDeps {
  sql: Sql;
  users: UserStore;
  grants: GrantStore;
  log: Logger;
}

/** Applies `change` to the user `id` of `tenant` and ends their sessions; null: no such user. */
export async function changeUserEndingSessions(
  deps: UserSessionsDeps,
  tenant: string,
  id: string,
  change: UserChange,
): Promise<User | null> {
  const reason = "user_changed";
  const result = await deps.sql.begin(async (tx) => {
    if (change.role !== undefined && change.role !== "admin") {
      const admins = await deps.users.lockAdmins(tx as never, tenant);
      if (admins.length === 1 && admins[0] === id) {
        fail("last_admin", "The tenant's last admin cannot stop being an admin", 409);
      }
    }
    // The user row first (locked by the update), then the families: the refresh grant's order.
    const user = await deps.users.change(tx as never, tenant, id, change);
    if (!user) return null;
    const revoked = await deps.grants.revokeUserSessions(tx as never, tenant, id, reason);
    return { user, revoked };
  });
  if (!result) return null;
  deps.log.info("user changed; their sessions are ended", {
    tenant,
    userId: id,
    changed: Object.keys(change).filter((key) => change[key as keyof UserChange] !== undefined),
    accessTokensDenied: result.revoked.accessTokens,
  });
  return result.user;
}
