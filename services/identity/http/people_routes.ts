/**
 * `GET /people?id=<a>&id=<b>`: the names of some of the caller's tenant's users (their
 * username, the only name identity keeps), for staff who show people by name (the agent
 * workspace). Nothing else of a user (role, groups, e-mail) is given; ids that name nobody in
 * the tenant (another tenant's user, a widget visitor's id, a malformed id) are left out, so
 * an answer reveals no more than a ticket already shows the caller.
 * @module
 */
import { Hono } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import { bearerAuth, type Principal } from "@ticketd/shared/http/auth.ts";
import { checkParamNames, invalidParam } from "@ticketd/shared/http/query_params.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import type { IdentityRole } from "../domain/roles.ts";
import type { UsersRoutesDeps } from "./users_routes.ts";

export type PeopleRoutesDeps = Pick<UsersRoutesDeps, "verify" | "users" | "limits">;

type PeopleEnv = { Variables: { principal: Principal<IdentityRole> } };

/** Who may read names: the people who answer tickets. */
const READERS: readonly IdentityRole[] = ["agent", "supervisor", "admin"];
const NONE: ReadonlySet<string> = new Set();

/** `/people` routes. */
export function peopleRoutes(deps: PeopleRoutesDeps): Hono<PeopleEnv> {
  const app = new Hono<PeopleEnv>();
  app.use(bearerAuth(deps.verify));
  app.get("/", async (c) => {
    const me = c.get("principal");
    if (!READERS.includes(me.role)) {
      fail("forbidden", `The ${me.role} role may not read people's names`, 403);
    }
    const params = new URL(c.req.url).searchParams;
    // `id` repeats by design; anything else is refused as the other APIs refuse it.
    checkParamNames(new URLSearchParams([...params].filter(([name]) => name !== "id")), NONE);
    const ids = [...new Set(params.getAll("id").flatMap((v) => v.split(",")))];
    const max = deps.limits.maxPageSize;
    if (ids.length === 0 || ids.length > max) invalidParam("id", `must name 1 to ${max} users`);
    const people = await deps.users.names(me.tenant, ids.filter(isSnowflake));
    return c.json({ people });
  });
  return app;
}
