/**
 * The users admin API, scoped to the caller's tenant (from the token, never the body): list
 * (admin, supervisor), create and change (admin). Bearer tokens are this service's own, checked
 * against its JWKS and its deny list.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";
import { bearerAuth, type Principal, type Verifier } from "@ticketd/shared/http/auth.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import {
  checkRoleChange,
  groupsFor,
  IDENTITY_ROLES,
  type IdentityRole,
  requireUsersPermission,
  takesGroups,
} from "../domain/roles.ts";
import { normaliseUsername, USERNAME } from "../login.ts";
import { hashSecret, type ScryptParams } from "../passwords.ts";
import { changeUserEndingSessions, type UserSessionsDeps } from "../sessions.ts";
import type { User, UserStore } from "../store/users.ts";
import { type RequestActivity, requestParty } from "@ticketd/shared/activity/request_source.ts";
import type { Activity } from "@ticketd/shared/events/activity.ts";

export interface UsersRoutesDeps {
  /** Checks this service's own tokens, deny list included. */
  verify: Verifier<IdentityRole>;
  users: UserStore;
  /** Where a change to a user also ends their sessions. */
  sessions: UserSessionsDeps;
  nextId: () => string;
  scrypt: ScryptParams;
  passwords: { minChars: number; maxChars: number };
  limits: { maxRequestBytes: number; bodyTimeoutMs: number; maxPageSize: number };
  /** User changes are recorded after they are made (`recordApplied`: a loss is a 503). */
  activity: RequestActivity;
}

type UsersEnv = { Variables: { principal: Principal<IdentityRole> } };

const GROUP = /^[\p{L}\p{N}_.@:+-]{1,128}$/u; // the tokens' groups rule (shared/http/auth.ts)
const MAX_GROUPS = 256;

/** `/users` routes. */
export function usersRoutes(deps: UsersRoutesDeps): Hono<UsersEnv> {
  const app = new Hono<UsersEnv>();
  const { minChars, maxChars } = deps.passwords;
  const password = z.string().min(minChars).max(maxChars);
  const groups = z.array(z.string().regex(GROUP)).max(MAX_GROUPS);
  const role = z.enum(IDENTITY_ROLES);
  const create = z.strictObject({
    username: z.string().transform(normaliseUsername).pipe(z.string().regex(USERNAME)),
    email: z.email().max(254).optional(),
    password,
    role,
    groups: groups.optional(),
  });
  const change = z.strictObject({
    role: role.optional(),
    groups: groups.optional(),
    password: password.optional(),
  })
    .refine((body) => Object.keys(body).length > 0, "Name at least one of role, groups, password");
  const body = { maxBytes: deps.limits.maxRequestBytes, timeoutMs: deps.limits.bodyTimeoutMs };

  app.use(bearerAuth(deps.verify));
  app.get("/", async (c) => {
    const me = c.get("principal");
    requireUsersPermission(me.role, "list");
    const limit = pageSize(c, deps.limits.maxPageSize);
    const after = c.req.query("after");
    if (after !== undefined && !isSnowflake(after)) {
      fail("invalid_request", "after must be a user id", 400);
    }
    const users = await deps.users.list(me.tenant, { after, limit });
    const next = users.length === limit ? users[users.length - 1].id : null;
    return c.json({ users: users.map(view), next });
  });
  app.post("/", async (c) => {
    const me = c.get("principal");
    requireUsersPermission(me.role, "create");
    const input = await readJson(c, create, body);
    const user = await deps.users.create({
      id: deps.nextId(),
      tenant: me.tenant,
      username: input.username,
      email: input.email ?? null,
      passwordHash: await hashSecret(input.password, deps.scrypt),
      role: input.role,
      groups: groupsFor(input.role, input.groups ?? []),
    });
    await recordUserChange(c, deps.activity, "identity.user.created", user.id, {
      role: user.role,
      groups: user.groups,
      email: user.email !== null,
    });
    return c.json(view(user), 201, { location: `/users/${user.id}` });
  });
  app.patch("/:id", async (c) => {
    const me = c.get("principal");
    requireUsersPermission(me.role, "update");
    const id = c.req.param("id");
    const target = isSnowflake(id) ? await deps.users.find(me.tenant, id) : null;
    if (!target) fail("user_not_found", `No user "${id.slice(0, 32)}" in this tenant`, 404);
    const input = await readJson(c, change, body);
    checkRoleChange({
      actorId: me.id,
      targetId: target.id,
      currentRole: target.role,
      newRole: input.role,
    });
    const newRole = input.role ?? target.role;
    const kept = input.groups ?? (takesGroups(newRole) ? target.groups : []);
    const groups = groupsFor(newRole, kept);
    const unchanged = newRole === target.role && !input.password &&
      groups.length === target.groups.length && groups.every((g, i) => g === target.groups[i]);
    if (unchanged) return c.json(view(target)); // nothing changes, so no session ends
    // A new password, role or groups ends every session of the user (their refresh tokens and
    // access tokens), so a reset locks out whoever held the old credentials.
    const updated = await changeUserEndingSessions(deps.sessions, me.tenant, target.id, {
      role: input.role,
      groups,
      passwordHash: input.password ? await hashSecret(input.password, deps.scrypt) : undefined,
    });
    if (!updated) fail("user_not_found", `No user "${id}" in this tenant`, 404);
    await recordUserChange(c, deps.activity, "identity.user.changed", target.id, {
      ...(newRole !== target.role ? { role: newRole } : {}),
      ...(groups.join() !== target.groups.join() ? { groups } : {}),
      ...(input.password ? { password: true } : {}),
      sessionsEnded: true,
    });
    return c.json(view(updated));
  });
  return app;
}

/** Field names and new values; a password or e-mail only as `true` (changed), never the value. */
async function recordUserChange(
  c: Context,
  activity: RequestActivity,
  action: string,
  userId: string,
  changes: Activity["changes"],
): Promise<void> {
  await activity.recorder.recordApplied({
    ...requestParty(c, activity.address),
    action,
    target: { type: "user", id: userId },
    outcome: "ok",
    changes,
  });
}

function pageSize(c: Context, max: number): number {
  const raw = c.req.query("limit");
  if (raw === undefined) return Math.min(50, max);
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    fail("invalid_request", `limit must be an integer in 1..${max}`, 400);
  }
  return limit;
}

function view(user: User) {
  const { id, tenant, username, email, role, groups, createdAt, updatedAt } = user;
  return { id, tenant, username, email, role, groups, createdAt, updatedAt };
}
