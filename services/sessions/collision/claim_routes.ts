/**
 * `PUT /tickets/:id/claim` takes or renews the "working on it" claim (200 with it, 409
 * `claimed` while another agent holds it); `DELETE` lets go of one's own (a supervisor or admin
 * may release anyone's), 204. Both only for staff who may see the ticket.
 * @module
 */
import { Hono } from "hono";
import type { SessionsEnv } from "../http/env.ts";
import type { CollisionDesk } from "./collision_desk.ts";

const LEADS = ["supervisor", "admin"];

export function claimRoutes(desk: CollisionDesk): Hono<SessionsEnv> {
  const app = new Hono<SessionsEnv>();
  app.put("/tickets/:id/claim", async (c) => {
    const principal = c.get("principal");
    const ticketId = c.req.param("id");
    await desk.admit(principal, ticketId);
    const claim = await desk.claims.take(principal.tenant, ticketId, principal.id);
    return c.json({ claim });
  });
  app.delete("/tickets/:id/claim", async (c) => {
    const principal = c.get("principal");
    const ticketId = c.req.param("id");
    await desk.admit(principal, ticketId);
    const who = LEADS.includes(principal.role) ? null : principal.id;
    await desk.claims.release(principal.tenant, ticketId, who);
    return c.body(null, 204);
  });
  return app;
}
