/**
 * Asks the kernel for an unused TCP port on 127.0.0.1. The port is free when this returns, but
 * nothing reserves it: prefer letting a server bind port 0 itself when it can report the port.
 * @module
 */

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    return listener.addr.port;
  } finally {
    listener.close();
  }
}
