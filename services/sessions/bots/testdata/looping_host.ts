/**
 * Run as a child process by `plugin_slot_test.ts`: one turn of the looping bot, then the
 * plugin's state and whether the host still answers, as JSON; then exits, which is the only way
 * Deno 2.9 ends a worker spinning in a loop.
 * @module
 */
import { customerSays, withHost } from "../testing.ts";

const source = new URL("./looping/", import.meta.url).pathname;
await withHost(["looping"], async (host) => {
  const first = await host.turn("looping", customerSays("hi"));
  const second = await host.turn("looping", customerSays("hi"));
  console.log(JSON.stringify({ first, second, status: host.plugins()[0] }));
}, { source });
Deno.exit(0);
