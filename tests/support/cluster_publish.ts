/**
 * Publishing ticket commits to a JetStream cluster while its nodes are killed: the stream has no
 * leader for a moment, so a publish is retried, and its message id has a retried publish stored
 * once.
 * @module
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { encodeCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes an agent's status change on acme's `ticketId` as `commandId`; its stream sequence. */
export async function publishCommitWithRetries(
  js: JetStreamClient,
  commit: { commandId: string; ticketId: string; msgID: string },
): Promise<number> {
  const data = encodeCommit({
    meta: {
      commandId: commit.commandId,
      tenant: "acme",
      ticketId: commit.ticketId,
      at: new Date().toISOString(),
      actorId: "agent-a",
      actorRole: "agent",
    },
    events: [{ type: "TicketStatusChanged", data: { from: "new", to: "open" } }],
  });
  for (let attempt = 0;; attempt++) {
    try {
      const subject = ticketSubject("acme", commit.ticketId);
      return (await js.publish(subject, data, { msgID: commit.msgID })).seq;
    } catch (error) {
      if (attempt > 100) throw error;
      await pause(100);
    }
  }
}
