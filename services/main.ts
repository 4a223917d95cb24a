/**
 * `deno task start`: the whole of Ticketd on one machine. Today that is the tickets service
 * with its projector; each service joins here as it lands.
 * @module
 */
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { ConfigError } from "./tickets/config.ts";
import { runTickets } from "./tickets/main.ts";

try {
  await runTickets();
} catch (error) {
  // Missing binaries, a data folder in use, a bad setting: say what to do, not a stack trace.
  if (error instanceof Deno.errors.AddrInUse) {
    console.error(`ticketd: the port is in use; set TICKETD_PORT to another (${error.message})`);
    Deno.exit(1);
  }
  if (!(error instanceof RuntimeError || error instanceof ConfigError)) throw error;
  console.error(`ticketd: ${error.message}`);
  Deno.exit(1);
}
