/**
 * The two kinds of expected failure in Ticketd: a rule said no ({@link DomainError}) and the
 * stream moved on ({@link ConcurrencyError}). Anything else reaching an error handler is a bug.
 * @module
 */

/** A rule refused the request; `code` is stable snake_case, `status` the HTTP status it maps to. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 422,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** An append lost the race: the subject is at `actualVersion`, not the version it expected. */
export class ConcurrencyError extends Error {
  readonly code = "version_conflict";
  constructor(readonly expectedVersion: number, readonly actualVersion: number) {
    super(`Expected version ${expectedVersion}, but the ticket is at version ${actualVersion}`);
    this.name = "ConcurrencyError";
  }
}

/** Throws a {@link DomainError}; typed `never` so callers read as guard clauses. */
export function fail(
  code: string,
  message: string,
  status = 422,
  extra: Record<string, unknown> = {},
): never {
  throw new DomainError(code, message, status, extra);
}
