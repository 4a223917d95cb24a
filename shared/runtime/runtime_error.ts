/**
 * Failures of the local runtime (private nats-server, embedded Postgres, test databases).
 * They are not domain errors: they mean the machine is not set up to run Ticketd, and the
 * message says what to do about it.
 * @module
 */

/** Stable codes callers can branch on without parsing messages. */
export type RuntimeErrorCode =
  | "nats_server_missing"
  | "nats_server_failed"
  | "nats_server_timeout"
  | "embedded_postgres_failed"
  | "invalid_database_name"
  | "data_dir_in_use"
  | "invalid_keyring"
  | "invalid_token_settings"
  | "nats_unreachable"
  | "database_unreachable"
  | "lease_expired"
  | "stream_missing";

/** A runtime dependency could not be found, started or used; `code` says which. */
export class RuntimeError extends Error {
  constructor(readonly code: RuntimeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RuntimeError";
  }
}
