/**
 * Imported first in every plugin worker, before the plugin's own code: turns the ways a plugin
 * could end or widen its worker (`Deno.exit`, `close()`, a permission request) into errors, so
 * they fail the turn instead of silently stopping the worker.
 * @module
 */

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
