/**
 * Test support: conversation instances on a private nats-server, each on its own connection
 * (standing for separate sessions processes) and sharing one in-memory envelope.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { memoryEnvelope } from "@ticketd/shared/keys/testing.ts";
import { startTestNats } from "../../../tests/support/nats.ts";
import { type ConversationSettings, NatsConversations } from "../conversations.ts";

export interface TestInstance {
  nc: NatsConnection;
  conversations: NatsConversations;
}

export interface TestCluster {
  url: string;
  instances: TestInstance[];
  /** Adds another instance (after the first ones), stopped with the rest. */
  add(): Promise<TestInstance>;
}

/** Runs `fn` with `count` instances on one throwaway nats-server and tears everything down. */
export async function withInstances(
  count: number,
  fn: (cluster: TestCluster) => Promise<void>,
  settings: Partial<ConversationSettings> = {},
): Promise<void> {
  const nats = await startTestNats();
  const { envelope } = memoryEnvelope();
  const instances: TestInstance[] = [];
  const add = async () => {
    const nc = await connect({ servers: nats.url });
    const ids = new SnowflakeGenerator(instances.length + 1);
    const conversations = await NatsConversations.start({
      nc,
      envelope,
      nextId: () => ids.next(),
      settings,
    });
    const instance = { nc, conversations };
    instances.push(instance);
    return instance;
  };
  try {
    for (let i = 0; i < count; i++) await add();
    await fn({ url: nats.url, instances, add });
  } finally {
    for (const { conversations, nc } of instances) {
      await conversations.stop();
      await nc.close();
    }
    await nats.stop();
  }
}

/** Polls `probe` every 10 ms until it holds, failing after `ms`. */
export async function eventually(
  probe: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
