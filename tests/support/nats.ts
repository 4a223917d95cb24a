/**
 * A private nats-server with JetStream for one integration test: fresh temporary store, a port
 * of its own, everything removed on stop. Never touches a shared server or NATS_URL.
 * @module
 */
import { startPrivateNats } from "../../shared/runtime/private_nats.ts";

export interface TestNats {
  /** Client URL of the private server. */
  url: string;
  /** The JetStream store, deleted by `stop()`. */
  storeDir: string;
  /** Stops the server and deletes its store; safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts a throwaway nats-server with JetStream in a temporary directory. */
export async function startTestNats(): Promise<TestNats> {
  const storeDir = await Deno.makeTempDir({ prefix: "ticketd_test_nats_" });
  let nats;
  try {
    nats = await startPrivateNats({ storeDir });
  } catch (error) {
    await Deno.remove(storeDir, { recursive: true });
    throw error;
  }
  const server = nats;
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    storeDir,
    stop: () =>
      stopping ??= (async () => {
        await server.stop();
        await Deno.remove(storeDir, { recursive: true });
      })(),
  };
}

/** Runs `fn` against a throwaway nats-server and stops it afterwards, even if `fn` throws. */
export async function withNats(fn: (url: string) => Promise<void>): Promise<void> {
  const nats = await startTestNats();
  try {
    await fn(nats.url);
  } finally {
    await nats.stop();
  }
}
