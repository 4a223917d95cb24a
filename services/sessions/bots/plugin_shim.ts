/**
 * The plugin side of the worker protocol: answers `turn` with the bot's answer (or its error's
 * name and message) and `ping` at once, so the host can tell a bot awaiting forever from one
 * stuck in a loop. Imported by the generated worker entry, after `worker_guard.ts` and the bot.
 * @module
 */
import type { Bot, BotContext, HostMessage, WorkerMessage } from "./protocol.ts";

type Turn = (context: BotContext) => unknown;

/** The worker's global scope (the checker types this file as a window). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<HostMessage>) => void) | null;
  postMessage(message: WorkerMessage): void;
};

/** Serves `bot` (a plugin's default export) to the host over the worker's message port. */
export function serveBot(bot: unknown): void {
  const turn = turnOf(bot);
  if (turn === null) {
    const message = "the default export must be a function or an object with turn()";
    return post({ type: "start_error", name: "TypeError", message });
  }
  scope.onmessage = (event) => {
    const message = event.data;
    if (message.type === "ping") return post({ type: "pong", id: message.id });
    if (message.type === "turn") void answer(turn, message.id, message.context);
  };
  post({ type: "ready" });
}

async function answer(turn: Turn, id: number, context: BotContext): Promise<void> {
  try {
    post({ type: "answer", id, answer: await turn(context) });
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    post({ type: "error", id, name, message: message.slice(0, 300) });
  }
}

function turnOf(bot: unknown): Turn | null {
  if (typeof bot === "function") return bot as Turn;
  const object = bot as Exclude<Bot, Turn> | null;
  if (typeof object?.turn === "function") return (context) => object.turn(context);
  return null;
}

function post(message: WorkerMessage): void {
  try {
    scope.postMessage(message);
  } catch (error) {
    // An answer that cannot be cloned (a function, a symbol) is the plugin's fault: say so.
    if (message.type !== "answer") throw error;
    post({ type: "error", id: message.id, name: "DataCloneError", message: String(error) });
  }
}
