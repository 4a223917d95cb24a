import assert from "node:assert/strict";
import { checkRoleChange, groupsFor, requireUsersPermission } from "./roles.ts";

Deno.test("requireUsersPermission - admins and supervisors list users; only admins change them", () => {
  requireUsersPermission("admin", "list");
  requireUsersPermission("supervisor", "list");
  requireUsersPermission("admin", "create");
  requireUsersPermission("admin", "update");
  for (const role of ["agent", "customer", "auditor"] as const) {
    assert.throws(() => requireUsersPermission(role, "list"), { code: "forbidden", status: 403 });
  }
  assert.throws(() => requireUsersPermission("supervisor", "create"), { code: "forbidden" });
  assert.throws(() => requireUsersPermission("supervisor", "update"), { code: "forbidden" });
});

Deno.test("checkRoleChange - nobody can change their own role", () => {
  assert.throws(
    () => checkRoleChange({ actorId: "1", targetId: "1", currentRole: "admin", newRole: "agent" }),
    { code: "cannot_change_own_role", status: 403 },
  );
});

Deno.test("checkRoleChange - naming one's current role, or changing another's, is allowed", () => {
  checkRoleChange({ actorId: "1", targetId: "1", currentRole: "admin", newRole: "admin" });
  checkRoleChange({ actorId: "1", targetId: "1", currentRole: "admin" });
  checkRoleChange({ actorId: "1", targetId: "2", currentRole: "agent", newRole: "supervisor" });
});

Deno.test("groupsFor - only agents and supervisors belong to groups; duplicates collapse", () => {
  assert.deepEqual(groupsFor("agent", ["a", "b", "a"]), ["a", "b"]);
  assert.deepEqual(groupsFor("supervisor", ["a"]), ["a"]);
  assert.deepEqual(groupsFor("customer", []), []);
  assert.throws(() => groupsFor("customer", ["a"]), { code: "groups_not_allowed" });
  assert.throws(() => groupsFor("admin", ["a"]), { code: "groups_not_allowed" });
});
