/**
 * `deno task start`: the whole of Ticketd on one machine. Today that is the tickets service
 * with its projector; each service joins here as it lands.
 * @module
 */
import { runTickets } from "./tickets/main.ts";

await runTickets();
