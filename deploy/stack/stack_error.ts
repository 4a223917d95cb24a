/**
 * Why the native stack could not start or stopped: `code` says which part (one line, no stack).
 * @module
 */

export type StackErrorCode =
  | "certificates_failed"
  | "postgres_failed"
  | "service_failed"
  | "service_exited"
  | "server_died";

/** A part of the stack failed; the message says which and what it printed last. */
export class StackError extends Error {
  override name = "StackError";
  constructor(readonly code: StackErrorCode, message: string) {
    super(message);
  }
}
