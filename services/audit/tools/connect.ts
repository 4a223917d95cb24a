/**
 * What the audit commands connect to: the settings of the service (`DATABASE_URL`, `NATS_URL`,
 * `TICKETD_DATA_DIR`), or, without them, the private servers of the data folder (stop
 * `deno task start` first: it holds the folder).
 * @module
 */
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { loadConfig } from "../../tickets/config.ts";

/** The tickets settings and open connections; `stop()` closes them. */
export async function connectTool(tool: string) {
  const config = loadConfig(Deno.env.toObject());
  const log = createLogger("warn", { tool });
  const infra = await openInfrastructure(config, log).catch(async (error) => {
    // A data folder in use, a missing binary, a server that does not answer: say so plainly.
    await log.flush();
    console.error(`${tool}: ${(error as Error).message}`);
    Deno.exit(1);
  });
  return {
    config,
    infra,
    async stop() {
      await infra.stop();
      await log.flush();
    },
  };
}
