/** Answers with its greeting file and setting, and echoes the last message. @module */
import type { BotContext } from "../../../protocol.ts";

export default {
  name: "good",
  async turn(context: BotContext) {
    const file = (await Deno.readTextFile(new URL("./greeting.txt", import.meta.url))).trim();
    const last = context.transcript.at(-1)?.text ?? "";
    return {
      replies: [
        `${file} ${context.config.greeting}`,
        `you said: ${last}`,
        `seen ${context.transcript.length}`,
      ],
      actions: [{ type: "tag", tags: ["bot:good"] }],
    };
  },
};
