/** Spins forever in a synchronous loop on "loop"; answers anything else at once. @module */
import type { BotContext } from "../../../protocol.ts";

export default (context: BotContext) => {
  const said = context.transcript.at(-1)?.text ?? "";
  while (said === "loop") {
    // spin
  }
  return { replies: [`picked up: ${said}`], actions: [] };
};
