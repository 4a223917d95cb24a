/**
 * Who may read the audit log: auditors, and admins (who may do everything, docs/permissions.md).
 * Always inside the token's tenant; nobody writes it through the API.
 * @module
 */
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";

export const AUDIT_READERS: readonly Role[] = ["auditor", "admin"];

/** Refuses with 403 `forbidden` unless `role` may read the audit log. */
export function authoriseAuditRead(role: Role): void {
  if (!AUDIT_READERS.includes(role)) {
    fail("forbidden", "Only auditors and admins may read the audit log", 403, {
      action: "read_audit",
    });
  }
}
