/**
 * Finds an unused TCP port on 127.0.0.1. The port is free when this returns, but nothing reserves
 * it: prefer letting a server bind port 0 itself when it can report the port.
 *
 * Ports come from below the kernel's ephemeral range on purpose. A port the kernel hands out for
 * `bind(0)` is also one it may hand to any outgoing connection: a NATS node dialling its routes
 * took the very cluster port its neighbour was about to listen on ("address already in use").
 * Below the range, only another listener can take it.
 * @module
 */

const LOWEST_PORT = 10_000;
const ATTEMPTS = 200;
const MIN_RANGE = 1_000;
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago, never one this process handed out before. */
export function freePort(): number {
  const range = portRange();
  if (!range) return kernelChosenPort();
  const [lowest, highest] = range;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest + 1));
    if (!handedOut.has(port) && canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  return kernelChosenPort();
}

/** The ports outside the ephemeral range to pick from; none when it leaves too few. */
export function portRange(ephemeral = ephemeralRange()): [number, number] | undefined {
  if (ephemeral[0] - LOWEST_PORT >= MIN_RANGE) return [LOWEST_PORT, ephemeral[0] - 1];
  if (65_535 - ephemeral[1] >= MIN_RANGE) return [ephemeral[1] + 1, 65_535];
  return undefined;
}

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range")
      .trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low, high];
  } catch {
    // Not Linux, or /proc is hidden: assume Linux's default range.
  }
  return [32_768, 60_999];
}

function canBind(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

function kernelChosenPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    return listener.addr.port;
  } finally {
    listener.close();
  }
}
