// A process that stops like a Ticketd service: `deno run stop_signal_child.ts <stop ms> <grace ms>`
// prints "ready", and on a stop signal "stopping", then takes <stop ms> to stop (0 = never).
import { listenForStop } from "../stop_signal.ts";

const [stopMs, graceMs] = Deno.args.map(Number);
const stop = listenForStop({ onForced: () => console.log("forced") });
const keepAlive = setInterval(() => {}, 60_000);
console.log("ready");
await stop.received;
console.log("stopping");
stop.guardStop(graceMs, () => console.log("overrun"));
if (stopMs > 0) {
  await new Promise((r) => setTimeout(r, stopMs));
  clearInterval(keepAlive);
  stop.dispose();
  console.log("stopped");
}
