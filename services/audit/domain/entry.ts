/**
 * An audit entry: who did what to what, when, from where, and which fields changed (names only,
 * or for ACTIVITY facts the non-secret values their producers chose). One per source message.
 * @module
 */

/** The four streams the audit log follows, by their role (the ticket stream's name is a setting). */
export const SOURCE_KINDS = ["tickets", "sessions", "routing", "activity"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export type ChangeValue = string | number | boolean | null | (string | number | boolean)[];

/** What is hashed: every member, in canonical JSON. */
export interface AuditEntry {
  /** 1-based position in its chain `(tenant, source.stream)`: a gap shows a removed entry. */
  n: number;
  tenant: string;
  source: { stream: string; seq: number };
  /** ISO 8601 UTC, from the source event (or the stream's timestamp when it has none). */
  at: string;
  actor: { id: string; role: string };
  action: string;
  target: { type: string; id: string };
  outcome: string;
  ip: string | null;
  requestId: string | null;
  changes: Record<string, ChangeValue>;
}

/** An entry before it has a place in its chain. */
export type UnchainedEntry = Omit<AuditEntry, "n">;
