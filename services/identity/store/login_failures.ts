/**
 * Sign-in attempts per tenant and user name (known or not), shared by every instance. An attempt
 * counts as a failure before the password is checked and is forgiven on success, so parallel
 * guesses cannot slip past the limit while the first ones are still being checked.
 * @module
 */
import type { Sql } from "postgres";
import {
  afterFailure,
  lockedForSeconds,
  type LockoutPolicy,
  type LoginFailures,
} from "../domain/lockout.ts";

/** The login_failures table. */
export class LoginFailureStore {
  constructor(private readonly sql: Sql, private readonly policy: LockoutPolicy) {}

  /** Starts an attempt: the seconds the name stays locked, or 0 and the attempt is counted. */
  async begin(tenant: string, username: string, now: Date): Promise<number> {
    return await this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`login:${tenant}:${username}`}))`;
      const [row] = await tx<LoginFailures[]>`
        select failures, first_failure_at, locked_until from identity_login_failures
        where tenant = ${tenant} and username = ${username}`;
      const locked = lockedForSeconds(row ?? null, now);
      if (locked > 0) return locked;
      const next = afterFailure(row ?? null, now, this.policy);
      await tx`
        insert into identity_login_failures
          (tenant, username, failures, first_failure_at, locked_until)
        values (${tenant}, ${username}, ${next.failures}, ${next.firstFailureAt},
          ${next.lockedUntil})
        on conflict (tenant, username) do update set failures = excluded.failures,
          first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until`;
      return 0;
    });
  }

  /** The attempt succeeded: forget the name's failures. */
  async succeeded(tenant: string, username: string): Promise<void> {
    await this.sql`
      delete from identity_login_failures where tenant = ${tenant} and username = ${username}`;
  }
}
