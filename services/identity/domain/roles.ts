/**
 * Who may do what with users: the five roles, the admin API's permissions, and the rules on
 * groups and on one's own role. Pure: no I/O.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

/** Weakest first, so a verifier that picks the strongest known role picks the right one. */
export const IDENTITY_ROLES = ["customer", "auditor", "agent", "supervisor", "admin"] as const;
export type IdentityRole = (typeof IDENTITY_ROLES)[number];

/** Roles whose users belong to agent groups. */
const GROUPED: readonly IdentityRole[] = ["agent", "supervisor"];

export type UsersAction = "list" | "create" | "update";

const ALLOWED: Record<UsersAction, readonly IdentityRole[]> = {
  list: ["admin", "supervisor"],
  create: ["admin"],
  update: ["admin"],
};

/** Throws 403 `forbidden` unless `role` may perform `action` on the users API. */
export function requireUsersPermission(role: IdentityRole, action: UsersAction): void {
  if (!ALLOWED[action].includes(role)) {
    fail("forbidden", `The ${role} role may not ${action} users`, 403);
  }
}

/** True when `value` names one of the five roles. */
export function isIdentityRole(value: unknown): value is IdentityRole {
  return typeof value === "string" && (IDENTITY_ROLES as readonly string[]).includes(value);
}

/** True when users of `role` may belong to agent groups. */
export function takesGroups(role: IdentityRole): boolean {
  return GROUPED.includes(role);
}

/** The groups a user of `role` keeps: only agents and supervisors belong to groups. */
export function groupsFor(role: IdentityRole, groups: readonly string[]): string[] {
  if (groups.length > 0 && !GROUPED.includes(role)) {
    fail("groups_not_allowed", `A ${role} cannot belong to agent groups`, 422);
  }
  return [...new Set(groups)];
}

export interface RoleChange {
  actorId: string;
  targetId: string;
  currentRole: IdentityRole;
  newRole?: IdentityRole;
}

/** Throws 403 `cannot_change_own_role` when an actor would change their own role. */
export function checkRoleChange(change: RoleChange): void {
  const changing = change.newRole !== undefined && change.newRole !== change.currentRole;
  if (changing && change.actorId === change.targetId) {
    fail("cannot_change_own_role", "Nobody can change their own role; ask another admin", 403);
  }
}
