/**
 * Telling a bad event from a bad moment. A value PostgreSQL refuses (SQLSTATE class 22, data
 * exception; 23, integrity) or a commit that does not decode is the message's fault: retrying it
 * forever would stop every tenant's read model, so it is set aside. Anything else (connections,
 * deadlocks, a bug, an event from a newer build) is retried until it works.
 * @module
 */
import { DomainError } from "@ticketd/shared/errors.ts";
import { ZodError } from "zod";

export interface Poison {
  code: string;
  reason: string;
}

/** The reason to set the message aside, or null when the failure should be retried. */
export function poisonOf(error: unknown): Poison | null {
  const sqlState = (error as { code?: unknown })?.code;
  const name = (error as { name?: unknown })?.name;
  if (name === "PostgresError" && typeof sqlState === "string" && /^2[23]/.test(sqlState)) {
    return { code: `sqlstate_${sqlState}`, reason: (error as Error).message };
  }
  if (error instanceof ZodError || error instanceof SyntaxError) {
    return { code: "undecodable_commit", reason: error.message };
  }
  if (error instanceof DomainError && error.code === "decryption_failed") {
    return { code: error.code, reason: error.message };
  }
  return null;
}
