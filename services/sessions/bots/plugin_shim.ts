/**
 * The plugin side of the protocol, inside the plugin's process: reads one JSON message a line on
 * stdin, answers `turn` with the bot's answer (or its error's name and message) and `ping` at
 * once, one JSON message a line on stdout. Stdin ending (the host is gone) ends the process.
 * Imported by the generated entry module, after `plugin_guard.ts` and the bot.
 * @module
 */
import { exitProcess } from "./plugin_guard.ts";
import { LineSplitter } from "./line_splitter.ts";
import { STDOUT_LOST } from "./process_marks.ts";
import type { Bot, BotContext, HostMessage, PluginMessage } from "./protocol.ts";

type Turn = (context: BotContext) => unknown;

const encoder = new TextEncoder();

/** Serves `bot` (a plugin's default export) over stdin and stdout until stdin ends. */
export async function serveBot(bot: unknown): Promise<void> {
  const turn = turnOf(bot);
  if (turn === null) {
    const message = "the default export must be a function or an object with turn()";
    post({ type: "start_error", name: "TypeError", message });
    return exitProcess(1);
  }
  post({ type: "ready" });
  const lines = new LineSplitter(Infinity); // the host is trusted to send whole messages
  for await (const chunk of Deno.stdin.readable) {
    for (const line of lines.push(chunk)) {
      const message = JSON.parse(line.text) as HostMessage;
      if (message.type === "ping") post({ type: "pong", id: message.id });
      else void answer(turn, message.id, message.context);
    }
  }
  exitProcess(0);
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

/** Writes one message as a line; a pipe may take a long line in several writes. */
function post(message: PluginMessage): void {
  let line: string;
  try {
    line = JSON.stringify(message) + "\n";
  } catch (error) {
    // An answer JSON cannot carry (a BigInt, a cycle) is the plugin's fault: say so.
    if (message.type !== "answer") throw error;
    return post({ type: "error", id: message.id, name: "TypeError", message: String(error) });
  }
  const bytes = encoder.encode(line);
  try {
    for (let written = 0; written < bytes.length;) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  } catch (error) {
    // The plugin closed stdout (Deno keeps fd 1 open, so the host would see nothing): say so.
    console.error(`${STDOUT_LOST}: ${error}`);
    exitProcess(1);
  }
}
