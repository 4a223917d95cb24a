/**
 * Retraining: the fold that keeps closed tickets' sealed text (pure), then `retrainTenant` on a
 * real nats-server with commits sealed by a real envelope over in-memory data keys.
 * @module
 */
import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { ensureStream } from "@ticketd/shared/eventstore/jetstream.ts";
import {
  encodeCommit,
  type Priority,
  type TicketCommit,
  type TicketEvent,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { memoryEnvelope } from "@ticketd/shared/keys/testing.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { startTestNats } from "../../tests/support/nats.ts";
import { classify, parseModel } from "./classifier/mod.ts";
import { syntheticExamples } from "./classifier/test_examples.ts";
import {
  foldForTraining,
  type RetrainDeps,
  retrainTenant,
  type TrainingTicket,
} from "./retrain.ts";

const STREAM = "TICKETS";

function created(ticketId: string, status: "new" | "closed", groupId: string | null): TicketEvent {
  return {
    type: "TicketCreated",
    data: {
      ticketId,
      number: Number(ticketId),
      requesterId: "cust-1",
      subject: `enc:subject-${ticketId}`,
      status,
      priority: "normal",
      tags: [],
      assigneeId: null,
      groupId,
      customFields: {},
      followUpOf: null,
      externalId: null,
    },
  };
}

function message(body: string, internal = false): TicketEvent {
  return {
    type: "MessagePosted",
    data: { messageId: "9", authorId: "cust-1", authorRole: "customer", internal, body },
  };
}

function commit(ticketId: string, events: TicketEvent[], tenant = "acme"): TicketCommit {
  const meta = {
    commandId: "1",
    tenant,
    ticketId,
    at: "2026-12-03T10:00:00.000Z",
    actorId: "super-1",
    actorRole: "supervisor" as const,
  };
  return { meta, events };
}

function foldAll(...commits: TicketCommit[]): TrainingTicket | undefined {
  let ticket: TrainingTicket | undefined;
  commits.forEach((c, i) => ticket = foldForTraining(ticket, c, i + 1));
  return ticket;
}

const status = (from: string, to: string) =>
  ({ type: "TicketStatusChanged", data: { from, to } }) as TicketEvent;

Deno.test("foldForTraining - a ticket solved then closed keeps its sealed subject and first public message", () => {
  const ticket = foldAll(
    commit("7", [created("7", "new", "billing"), message("enc:first")]),
    commit("7", [message("enc:internal note", true), message("enc:second")]),
    commit("7", [status("new", "solved")]),
    commit("7", [status("solved", "closed")]),
  )!;
  assert.equal(ticket.ticket.status, "closed");
  assert.equal(ticket.ticket.sealedSubject, null); // routing's own fold forgets it
  assert.equal(ticket.sealedSubject, "enc:subject-7");
  assert.equal(ticket.sealedBody, "enc:first");
});

Deno.test("foldForTraining - a ticket imported closed in one commit keeps its text; an internal note is not its body", () => {
  const ticket = foldAll(
    commit("8", [created("8", "closed", "access"), message("enc:note", true), message("enc:body")]),
  )!;
  assert.equal(ticket.sealedSubject, "enc:subject-8");
  assert.equal(ticket.sealedBody, "enc:body");
});

Deno.test("foldForTraining - an erased ticket keeps no text, even after it was closed", () => {
  const erased = { type: "TicketContentErased", data: { erasureId: "5" } } as TicketEvent;
  const ticket = foldAll(
    commit("9", [created("9", "closed", "access"), message("enc:body")]),
    commit("9", [erased]),
  )!;
  assert.equal(ticket.sealedSubject, null);
  assert.equal(ticket.sealedBody, null);
});

interface Seeded {
  tenant: string;
  groupId: string | null;
  text: string;
  priority?: Priority;
}

/** A private nats-server with the ticket stream holding `tickets`, closed, text sealed. */
async function withStream(
  tickets: Seeded[],
  fn: (deps: Omit<RetrainDeps, "tenant">) => Promise<void>,
): Promise<void> {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const outDir = await Deno.makeTempDir({ prefix: "retrain-test-" });
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await ensureStream(jsm, { name: STREAM, subjects: ["tickets.>"], duplicateWindowMs: 60_000 });
    const { envelope } = memoryEnvelope();
    for (const [i, seeded] of tickets.entries()) {
      const id = String(100 + i);
      const scope = { tenant: seeded.tenant, ticketId: id, ownerId: "cust-1" };
      const [subject, body] = seeded.text.split(" | ");
      const first = created(id, "closed", seeded.groupId);
      Object.assign(first.data, {
        subject: await envelope.seal(subject, scope),
        priority: seeded.priority ?? "normal",
      });
      const events = [first, message(await envelope.seal(body, scope))];
      await js.publish(
        ticketSubject(seeded.tenant, id),
        encodeCommit(commit(id, events, seeded.tenant)),
      );
    }
    const log = createLogger("error", { service: "retrain-test" });
    await fn({ js, jsm, envelope, stream: STREAM, outDir, log });
  } finally {
    await nc.close();
    await nats.stop();
    await Deno.remove(outDir, { recursive: true });
  }
}

/** Two words of the label's, as "subject | body", for `perLabel` tickets per label. */
function labelled(perLabel: number, tenant = "acme"): Seeded[] {
  return syntheticExamples(perLabel).map(({ text, label }) => {
    const words = text.split(" ");
    const priority: Priority = label === "billing" ? "low" : "high";
    return {
      tenant,
      groupId: label,
      text: `${words.slice(0, 2).join(" ")} | ${words.slice(2).join(" ")}`,
      priority,
    };
  });
}

Deno.test("retrainTenant - closed tickets' own text trains both models, written where routing loads them", async () => {
  const others = labelled(5, "globex").map((t) => ({ ...t, groupId: "globex-only" }));
  await withStream([...labelled(30), ...others], async (deps) => {
    const progress: number[] = [];
    const report = await retrainTenant({
      ...deps,
      tenant: "acme",
      progressEvery: 20,
      onProgress: (p) => progress.push(p.messages),
    });
    assert.equal(report.tickets, 90); // globex's tickets are not replayed
    assert.equal(report.solvedWithText, 90);
    assert.deepEqual(progress, [20, 40, 60, 80]);
    assert.deepEqual(report.queue!.labels, { billing: 30, crash_zh: 30, outage: 30 });
    assert.ok(
      report.queue!.report.evaluation.accuracy >= 0.9,
      JSON.stringify(report.queue!.report.evaluation),
    );
    assert.ok(report.queue!.report.baseline.accuracy < 0.5);
    assert.equal(report.queue!.path, `${deps.outDir}/acme/queue.model`);
    const queue = await parseModel(await Deno.readFile(`${deps.outDir}/acme/queue.model`));
    assert.equal(classify(queue, "refund for a payment charged twice").label, "billing");
    assert.deepEqual(queue.labels, ["billing", "crash_zh", "outage"]);
    const priority = await parseModel(await Deno.readFile(`${deps.outDir}/acme/priority.model`));
    assert.deepEqual(priority.labels, ["high", "low"]);
    assert.deepEqual([...Deno.readDirSync(`${deps.outDir}/acme`)].map((e) => e.name).sort(), [
      "priority.model",
      "queue.model",
    ]); // no temporary file left behind
  });
});

Deno.test("retrainTenant - one group only: the queue model is refused by name, the priority model still trained", async () => {
  const oneGroup = labelled(20).map((t) => ({ ...t, groupId: "support" }));
  await withStream(oneGroup, async (deps) => {
    const report = await retrainTenant({ ...deps, tenant: "acme" });
    assert.equal(report.queue, undefined);
    assert.equal(report.refused.queue?.code, "retrain_too_few_labels");
    assert.match(report.refused.queue!.message, /tenant "acme".*1 distinct groups \(support\)/);
    assert.ok(report.priority);
    await assert.rejects(Deno.stat(`${deps.outDir}/acme/queue.model`), Deno.errors.NotFound);
  });
});

Deno.test("retrainTenant - fewer solved tickets than the minimum is refused, and nothing is written", async () => {
  await withStream(labelled(10), async (deps) => {
    await assert.rejects(
      retrainTenant({ ...deps, tenant: "acme" }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, "retrain_too_few_examples");
        assert.match(error.message, /30 solved tickets with text, at least 50 needed/);
        return true;
      },
    );
    await assert.rejects(Deno.stat(`${deps.outDir}/acme`), Deno.errors.NotFound);
  });
});

Deno.test("retrainTenant - a tenant without tickets and a malformed tenant id are refused clearly", async () => {
  await withStream(labelled(20), async (deps) => {
    await assert.rejects(
      retrainTenant({ ...deps, tenant: "initech" }),
      /Tenant "initech" has no tickets/,
    );
    await assert.rejects(
      retrainTenant({ ...deps, tenant: "../etc" }),
      /"..\/etc" is not a tenant id/,
    );
  });
});
