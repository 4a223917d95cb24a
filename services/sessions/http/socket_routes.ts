/**
 * `GET /sessions/socket`: the WebSocket endpoint. Browsers cannot set headers on a socket, so it
 * is mounted outside bearer auth and the client authenticates with its first frame. Upgrades
 * beyond the per-address limit are refused before any socket exists. The upgrade request is
 * where every frame of the socket comes from: its address and request id go with their events.
 * @module
 */
import { type Context, Hono } from "hono";
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { requestSource } from "@ticketd/shared/activity/request_source.ts";
import { type AddressOptions, clientAddress } from "@ticketd/shared/http/rate_limit.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import { AddressSlots } from "./address_slots.ts";
import { type SocketSessionDeps, startSocketSession } from "./socket_session.ts";

export interface SocketRoutesDeps extends SocketSessionDeps {
  /** The client address the connection limit counts (default: `c.env.remoteAddr`). */
  remoteAddr?: (c: Context) => string;
  /** How the client address recorded with the socket's events is derived. */
  address?: AddressOptions;
}

/** The socket sub-app (its own, so it can be mounted outside bearer auth). */
export function socketRoutes(deps: SocketRoutesDeps): Hono {
  const app = new Hono();
  const slots = new AddressSlots(deps.limits.connectionsPerAddress);
  const addressOf = deps.remoteAddr ?? ((c: Context) => clientAddress(c));
  app.use("/sessions/socket", requestLog(deps.log));
  app.get("/sessions/socket", (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      const detail = "Connect with a WebSocket (Upgrade: websocket)";
      return problemResponse(problem(426, "upgrade_required", detail), { upgrade: "websocket" });
    }
    const address = addressOf(c);
    const release = slots.take(address);
    if (!release) {
      const detail = `At most ${slots.perAddress} connections per address`;
      return problemResponse(problem(429, "too_many_connections", detail, { address }));
    }
    try {
      // The session has its own idle limit: Deno's keep-alive pings would only add work per socket.
      const { socket, response } = Deno.upgradeWebSocket(c.req.raw, { idleTimeout: 0 });
      startSocketSession(socket, deps, release, requestSource(c, deps.address ?? {}));
      return response;
    } catch (error) {
      release();
      const detail = `Not a valid WebSocket upgrade: ${(error as Error).message}`;
      return problemResponse(problem(400, "bad_upgrade", detail));
    }
  });
  return app;
}
