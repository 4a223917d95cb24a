/**
 * The gateway's one origin: `/api/<service>/...` passed on to that service, identity's OAuth
 * endpoints at their own paths (so the sign-in form posts to this origin), the console's assets
 * under `/assets/<build>/`, and its page for every other GET. A service's `/metrics` is never passed
 * on (Prometheus scrapes each service directly); the gateway's own probes and `/metrics` come from
 * shared/metrics/.
 * @module
 */
import { type Context, Hono } from "hono";
import { errorHandler, problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations } from "@ticketd/shared/metrics/operations_routes.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";
import { type UpstreamName, UPSTREAMS } from "../config.ts";
import { forward } from "./forward.ts";
import { securityHeaders } from "./security_headers.ts";
import { relaySocket } from "./socket_relay.ts";
import { type ConsoleFiles, fileResponse } from "./static_files.ts";
import { widgetCors } from "./widget_cors.ts";

export interface GatewayAppDeps {
  publicUrl: string;
  files: ConsoleFiles;
  /** The origin of a service, or undefined while it is not known (not started yet). */
  upstream(name: UpstreamName): Promise<string | undefined>;
  maxRequestBytes: number;
  upstreamTimeoutMs: number;
  log: Logger;
  operations?: OperationsSettings;
}

type GatewayEnv = { Bindings: { remoteAddr?: Deno.NetAddr } };

const LONG = "public, max-age=31536000, immutable";
/** The widget's URL is fixed (sites embed it), so it is cached briefly, not by build. */
const WIDGET_CACHE = "public, max-age=300";
const OAUTH_PATHS = ["/oauth/authorize", "/oauth/token", "/oauth/revoke"];

/** The gateway's Hono app; serve it with `app.fetch(request, { remoteAddr })`. */
export function gatewayApp(deps: GatewayAppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError(errorHandler(deps.log));
  mountOperations(app, {
    service: "gateway",
    settings: deps.operations,
    readyDetail: () => ({ build: deps.files.build }),
  });
  app.use(requestLog(deps.log));
  app.use(securityHeaders(deps.publicUrl));
  app.use(widgetCors());
  app.all("/api/:service/*", (c) => {
    const name = c.req.param("service") as UpstreamName;
    if (!UPSTREAMS.includes(name)) {
      return problemResponse(problem(404, "unknown_service", `No service "${name.slice(0, 40)}"`));
    }
    const rest = c.req.path.slice(`/api/${name}`.length).replace(/\/{2,}/g, "/");
    if (rest.replace(/\/$/, "") === "/metrics") {
      return problemResponse(problem(404, "not_found", "No such route"));
    }
    return pass(c, name, rest || "/");
  });
  for (const path of OAUTH_PATHS) app.all(path, (c) => pass(c, "identity", path));
  app.get("/assets/:build/*", (c) => {
    const file = c.req.param("build") === deps.files.build
      ? deps.files.assets.get(c.req.path.slice(`/assets/${deps.files.build}/`.length))
      : undefined;
    if (!file) return problemResponse(problem(404, "not_found", "No such file"));
    return fileResponse(file, c.req.header("accept-encoding") ?? "", LONG);
  });
  app.get("/widget.js", (c) => {
    const file = deps.files.assets.get("widget/widget.js");
    if (!file) return problemResponse(problem(404, "not_found", "No such file"));
    const response = fileResponse(file, c.req.header("accept-encoding") ?? "", WIDGET_CACHE);
    // Other sites load it with <script src>: same-origin CORP would block it there.
    response.headers.set("cross-origin-resource-policy", "cross-origin");
    return response;
  });
  for (const [section, page] of deps.files.sections) {
    app.get(
      `/${section}/*`,
      (c) => fileResponse(page, c.req.header("accept-encoding") ?? "", "no-store"),
    );
  }
  app.get(
    "*",
    (c) => fileResponse(deps.files.page, c.req.header("accept-encoding") ?? "", "no-store"),
  );
  app.notFound(() => problemResponse(problem(404, "not_found", "No such route")));
  return app;

  async function pass(c: Context<GatewayEnv>, name: UpstreamName, path: string) {
    const origin = await deps.upstream(name);
    if (!origin) {
      return problemResponse(problem(503, "upstream_starting", `The ${name} service is starting`));
    }
    const target = new URL(path + new URL(c.req.url).search, origin);
    const clientAddress = c.env?.remoteAddr?.hostname ?? "unknown";
    if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
      target.protocol = target.protocol === "https:" ? "wss:" : "ws:";
      return relaySocket(c.req.raw, target, clientAddress);
    }
    return await forward(c.req.raw, target, {
      clientAddress,
      timeoutMs: deps.upstreamTimeoutMs,
      maxRequestBytes: deps.maxRequestBytes,
    });
  }
}
