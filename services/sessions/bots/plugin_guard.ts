/**
 * Imported first in every plugin process, before the plugin's own code: turns the ways a plugin
 * could end its process or widen its permissions (`Deno.exit`, `close()`, a permission request)
 * into errors that fail the turn, and sends its `console` output to stderr, where the host logs
 * it, so a stray `console.log` cannot corrupt the protocol on stdout.
 * @module
 */

/** The real exit, for the shim (the host closing stdin ends the process). */
export const exitProcess: (code: number) => never = Deno.exit;

function refuse(what: string): never {
  throw new Error(`${what} is not allowed in a bot plugin`);
}

Object.defineProperty(Deno, "exit", { value: () => refuse("Deno.exit") });
Object.defineProperty(globalThis, "close", { value: () => refuse("close()") });
for (const name of ["request", "requestSync"] as const) {
  Object.defineProperty(Deno.permissions, name, {
    value: () => refuse("Deno.permissions." + name),
  });
}
for (const name of ["log", "info", "debug", "dir", "dirxml", "table"] as const) {
  console[name] = console.error;
}
