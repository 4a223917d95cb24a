/**
 * The gateway service: the console's files loaded, the upstreams resolved (fixed by settings,
 * else read from the `<name>.url` files the services write in the data folder when they listen).
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { GatewayConfig, UpstreamName } from "./config.ts";
import { gatewayApp } from "./http/app.ts";
import { loadConsoleFiles } from "./http/static_files.ts";

export interface GatewayDeps {
  log: Logger;
  /** Where `deno task start` services write their URLs; absent: only fixed upstreams. */
  dataDir?: string;
}

export interface GatewayService {
  fetch(request: Request, info: { remoteAddr: Deno.NetAddr }): Response | Promise<Response>;
  build: string;
}

/** Loads the console and builds the app (nothing listens here; main.ts serves it). */
export async function startGatewayService(
  config: GatewayConfig,
  deps: GatewayDeps,
): Promise<GatewayService> {
  const files = await loadConsoleFiles(config.webDir);
  const app = gatewayApp({
    publicUrl: config.publicUrl,
    files,
    upstream: upstreamResolver(config, deps.dataDir),
    maxRequestBytes: config.maxRequestBytes,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    log: deps.log,
    operations: config.operations,
  });
  deps.log.info("console loaded", { build: files.build, assets: files.assets.size });
  return { fetch: (request, info) => app.fetch(request, info), build: files.build };
}

/** Fixed origins first; else the service's URL file, remembered once read. */
function upstreamResolver(config: GatewayConfig, dataDir?: string) {
  const known = new Map<UpstreamName, string>(Object.entries(config.upstreams) as never);
  return async (name: UpstreamName): Promise<string | undefined> => {
    const fixed = known.get(name);
    if (fixed || !dataDir) return fixed;
    try {
      const url = (await Deno.readTextFile(`${dataDir}/${name}.url`)).trim();
      known.set(name, new URL(url).origin);
      return known.get(name);
    } catch {
      return undefined; // not started yet
    }
  };
}
