/**
 * Signing in with a user name and password: per-address attempt limits, a lockout per user name
 * after repeated failures, and no user enumeration (an unknown name and a wrong password give
 * the same answer after the same scrypt work).
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { TokenBuckets } from "@ticketd/shared/http/rate_limit.ts";
import { hashKey } from "@ticketd/shared/http/rate_limit.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { hashSecret, needsRehash, type ScryptParams, verifySecret } from "./passwords.ts";
import type { LoginFailureStore } from "./store/login_failures.ts";
import type { User, UserStore } from "./store/users.ts";

export interface LoginDeps {
  users: UserStore;
  failures: LoginFailureStore;
  /** Attempts per client address. */
  perAddress: TokenBuckets;
  dummyHash: string;
  scrypt: ScryptParams;
  maxPasswordChars: number;
  now: () => Date;
  log: Logger;
}

/** What a user name may contain, after {@link normaliseUsername}. */
export const USERNAME = /^[\p{L}\p{N}_.@+-]{1,128}$/u;

/** User names are compared in NFKC lower case. */
export function normaliseUsername(username: string): string {
  return username.normalize("NFKC").trim().toLowerCase();
}

/** Checks a sign-in; throws 429 `rate_limited`/`login_locked` or 401 `invalid_credentials`. */
export async function signIn(
  deps: LoginDeps,
  attempt: { tenant: string; username: string; password: string; address: string },
): Promise<User> {
  const address = deps.perAddress.take(attempt.address);
  if (!address.ok) {
    fail("rate_limited", "Too many sign-in attempts from this address", 429, {
      retryAfterSeconds: address.retryAfterSeconds,
    });
  }
  const username = normaliseUsername(attempt.username).slice(0, 256);
  const locked = await deps.failures.begin(attempt.tenant, username, deps.now());
  if (locked > 0) {
    fail("login_locked", `Too many failed sign-ins; try again in ${locked} s`, 429, {
      retryAfterSeconds: locked,
    });
  }
  const found = await deps.users.credentials(attempt.tenant, username);
  const { password } = attempt;
  const checkable = found && password.length <= deps.maxPasswordChars;
  const ok = await verifySecret(
    checkable ? password : "",
    checkable ? found.passwordHash : deps.dummyHash,
  );
  if (!found || !checkable || !ok) {
    deps.log.info("sign-in failed", { tenant: attempt.tenant, user: hashKey(username) });
    fail("invalid_credentials", "Wrong user name or password", 401);
  }
  await deps.failures.succeeded(attempt.tenant, username);
  const { passwordHash, ...user } = found;
  if (needsRehash(passwordHash, deps.scrypt)) {
    const stronger = await hashSecret(password, deps.scrypt);
    await deps.users.rehash(user.tenant, user.id, passwordHash, stronger);
  }
  return user;
}
