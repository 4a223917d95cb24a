/**
 * For the routing route tests: an app around one sub-app with the caller named in a header
 * (`x-test-as: role:id[@tenant][#group]`, default a supervisor of "acme"), problem documents as
 * in production, and a real database with routing's migrations.
 * @module
 */
import { Hono } from "hono";
import postgres, { type Sql } from "postgres";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { errorHandler } from "@ticketd/shared/http/problem.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { createTestDatabase } from "../../../tests/support/database.ts";
import type { RoutingEnv } from "./env.ts";

// deno-lint-ignore no-explicit-any -- tests read whatever the route answered
export type TestReply = { status: number; json: Record<string, any>; etag: string | null };
export type TestCall = (
  method: string,
  path: string,
  options?: { as?: string; body?: unknown; ifMatch?: string },
) => Promise<TestReply>;

/** "role:id[@tenant][#group]" as a principal. */
export function testPrincipal(as: string): Principal {
  const [, role, id, tenant, group] = /^(\w+):([^@#]+)(?:@([^#]+))?(?:#(.+))?$/.exec(as)!;
  return { role: role as Role, id, tenant: tenant ?? "acme", groups: group ? [group] : [] };
}

/** A caller of `routes` as the routing app would serve them. */
export function callRoutes(routes: Hono<RoutingEnv>): TestCall {
  const app = new Hono<RoutingEnv>();
  app.onError(errorHandler(createLogger("error")));
  app.use((c, next) => {
    c.set("principal", testPrincipal(c.req.header("x-test-as") ?? "supervisor:900"));
    return next();
  });
  app.route("/", routes);
  return async (method, path, { as, body, ifMatch } = {}) => {
    const headers: Record<string, string> = as ? { "x-test-as": as } : {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch) headers["if-match"] = ifMatch;
    const response = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = await response.text();
    return {
      status: response.status,
      json: raw ? JSON.parse(raw) : {},
      etag: response.headers.get("etag"),
    };
  };
}

/** Runs `fn` on a fresh database with routing's tables, and drops it after. */
export async function withRoutingDatabase(fn: (sql: Sql) => Promise<void>): Promise<void> {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  try {
    await migrate(sql, "routing", new URL("../migrations/", import.meta.url));
    await fn(sql);
  } finally {
    await sql.end();
    await db.drop();
  }
}
