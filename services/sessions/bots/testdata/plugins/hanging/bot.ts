/** Never answers "hang" (awaits a promise that never settles); answers anything else. @module */
import type { BotContext } from "../../../protocol.ts";

export default (context: BotContext) =>
  context.transcript.at(-1)?.text === "hang"
    ? new Promise(() => {})
    : { replies: ["awake"], actions: [] };
