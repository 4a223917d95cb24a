/**
 * Who may read reports: supervisors and admins, always inside the token's tenant. Agents see
 * their own queues in the workspace, not the team's numbers.
 * @module
 */
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";

export const REPORT_READERS: readonly Role[] = ["supervisor", "admin"];

/** Refuses with 403 `forbidden` unless `role` may read reports. */
export function authoriseReportRead(role: Role): void {
  if (!REPORT_READERS.includes(role)) {
    fail("forbidden", "Only supervisors and admins may read reports", 403, {
      action: "read_reports",
    });
  }
}
