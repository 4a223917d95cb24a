import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { DomainError } from "@ticketd/shared/errors.ts";
import { withNats } from "../../../tests/support/nats.ts";
import { agentSubject, type Notification, notificationId } from "./notification.ts";
import { NotificationInbox } from "./notification_inbox.ts";

function reply(n: number, over: Partial<Notification> = {}): Notification {
  return {
    id: notificationId(`test:${n}`, { agentId: "agent-7" }),
    tenant: "acme",
    agentId: "agent-7",
    kind: "reply",
    ticketId: String(100 + n),
    at: "2025-03-01T10:00:00.000Z",
    sourceSeq: n,
    data: { messageId: String(n) },
    ...over,
  };
}

async function withConnection(fn: (nc: NatsConnection) => Promise<void>): Promise<void> {
  await withNats(async (url) => {
    const nc = await connect({ servers: url });
    try {
      await fn(nc);
    } finally {
      await nc.close();
    }
  });
}

const send = async (nc: NatsConnection, subject: string, body: unknown) => {
  nc.publish(subject, typeof body === "string" ? body : JSON.stringify(body));
  await nc.flush();
};
/** Lets the subscription callbacks of what was flushed run. */
const settle = () => new Promise((done) => setTimeout(done, 50));

Deno.test("NotificationInbox - a lagging client loses the oldest waiting notifications, counted", () =>
  withConnection(async (nc) => {
    const got: string[] = [];
    let release = () => {};
    const held = new Promise<void>((done) => release = done);
    const inbox = await NotificationInbox.open(nc, {
      tenant: "acme",
      agentId: "agent-7",
      groupIds: [],
      queueSize: 3,
      deliver: async (n) => {
        got.push(n.data.messageId as string);
        await held; // the first send stalls, like a socket that does not drain
      },
    });
    for (let i = 1; i <= 10; i++) await send(nc, agentSubject("acme", "agent-7"), reply(i));
    await settle();
    assert.deepEqual([inbox.pending, inbox.dropped], [3, 6]);
    release();
    await settle();
    assert.deepEqual(got, ["1", "8", "9", "10"]);
    assert.deepEqual([inbox.pending, inbox.delivered], [0, 4]);
    inbox.close();
  }));

Deno.test("NotificationInbox - a notification on the agent's subject for someone else is refused", () =>
  withConnection(async (nc) => {
    const got: Notification[] = [];
    const inbox = await NotificationInbox.open(nc, {
      tenant: "acme",
      agentId: "agent-7",
      groupIds: ["billing"],
      deliver: (n) => void got.push(n),
    });
    const subject = agentSubject("acme", "agent-7");
    await send(nc, subject, reply(1, { tenant: "other" }));
    await send(nc, subject, reply(2, { agentId: "agent-8" }));
    await send(nc, subject, { ...reply(3), data: { body: ["not", "flat"] } });
    await send(nc, subject, "not json");
    await send(nc, subject, reply(4));
    await settle();
    assert.deepEqual(got.map((n) => n.sourceSeq), [4]);
    assert.equal(inbox.refused, 4);
    inbox.close();
  }));

Deno.test("NotificationInbox - a repeated notification id is handed over once", () =>
  withConnection(async (nc) => {
    const got: Notification[] = [];
    const inbox = await NotificationInbox.open(nc, {
      tenant: "acme",
      agentId: "agent-7",
      groupIds: [],
      deliver: (n) => void got.push(n),
    });
    await send(nc, agentSubject("acme", "agent-7"), reply(1));
    await send(nc, agentSubject("acme", "agent-7"), reply(1));
    await settle();
    assert.equal(got.length, 1);
    inbox.close();
  }));

Deno.test("NotificationInbox - after close nothing more is handed over", () =>
  withConnection(async (nc) => {
    const got: Notification[] = [];
    const inbox = await NotificationInbox.open(nc, {
      tenant: "acme",
      agentId: "agent-7",
      groupIds: [],
      deliver: (n) => void got.push(n),
    });
    inbox.close();
    await send(nc, agentSubject("acme", "agent-7"), reply(1));
    await settle();
    assert.deepEqual(got, []);
  }));

Deno.test("NotificationInbox - an agent id that cannot be a subject token is refused", () =>
  withConnection(async (nc) => {
    const deliver = () => {};
    await assert.rejects(
      NotificationInbox.open(nc, { tenant: "acme", agentId: "*", groupIds: [], deliver }),
      (error) => error instanceof DomainError && error.code === "invalid_recipient",
    );
    await assert.rejects(
      NotificationInbox.open(nc, { tenant: "acme", agentId: "a", groupIds: ["x.>"], deliver }),
      (error) => error instanceof DomainError && error.code === "invalid_recipient",
    );
  }));
