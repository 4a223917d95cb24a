/** Allocates without end on "hog" (until the heap limit ends its process); answers anything else. @module */
import type { BotContext } from "../../../protocol.ts";

export default (context: BotContext) => {
  if (context.transcript.at(-1)?.text !== "hog") return { replies: ["fine"], actions: [] };
  const hoard: number[][] = [];
  while (true) hoard.push(new Array(100_000).fill(hoard.length));
};
