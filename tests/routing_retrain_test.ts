/**
 * Retraining from a tenant's own tickets, end to end on the real tickets service, NATS and
 * PostgreSQL: billing and login tickets are grouped and solved through the tickets API,
 * `retrainTenant` learns them, and a running routing instance, told of the new models, puts a
 * new billing ticket in the billing group.
 * @module
 */
import assert from "node:assert/strict";
import { jetstream } from "@nats-io/jetstream";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { seededRandom } from "../services/routing/classifier/training.ts";
import { announceModelsChanged } from "../services/routing/model_book.ts";
import { retrainTenant } from "../services/routing/retrain.ts";
import {
  createTicket,
  customerA,
  type Harness,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";
import { eventually, startRouting } from "./support/routing_harness.ts";

const TOPICS: Record<string, { subjects: string[]; words: string[] }> = {
  billing: {
    subjects: ["Invoice question", "Charged twice", "Refund please", "Payment failed"],
    words: ["invoice", "refund", "charged twice", "payment", "receipt", "credit card", "billing"],
  },
  access: {
    subjects: ["Cannot log in", "Password reset", "Account locked", "Sign-in problem"],
    words: ["password", "log in", "two-factor code", "locked out", "sign in", "login page"],
  },
};
const FILLER = ["hello", "please help", "since yesterday", "my account", "thanks", "again"];

/** `perGroup` tickets per topic, each created by a customer, grouped and solved by a supervisor. */
async function seedSolvedTickets(h: Harness, perGroup: number): Promise<void> {
  const random = seededRandom(11);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)];
  const jobs: { groupId: string; subject: string; body: string }[] = [];
  for (let i = 0; i < perGroup; i++) {
    for (const [groupId, topic] of Object.entries(TOPICS)) {
      const body = [pick(FILLER), pick(topic.words), pick(FILLER), pick(topic.words)].join(" ");
      jobs.push({ groupId, subject: pick(topic.subjects), body });
    }
  }
  for (let at = 0; at < jobs.length; at += 10) {
    await Promise.all(jobs.slice(at, at + 10).map((job, i) => solved(h, job, (at + i) % 4 === 0)));
  }
}

async function solved(
  h: Harness,
  job: { groupId: string; subject: string; body: string },
  thenClosed: boolean,
): Promise<void> {
  const { id } = await createTicket(h, customerA, { subject: job.subject, body: job.body });
  const steps: [string, string, unknown][] = [
    ["PUT", "assignment", { assigneeId: null, groupId: job.groupId }],
    ["POST", "status", { status: "solved" }],
    ...(thenClosed ? [["POST", "status", { status: "closed" }] as [string, string, unknown]] : []),
  ];
  for (const [method, path, body] of steps) {
    const response = await h.call(supervisorA, method, `/v1/tickets/${id}/${path}`, body);
    const text = await response.text();
    assert.equal(response.status, 200, text);
  }
}

async function inGroup(h: Harness, id: string, groupId: string) {
  await eventually(`ticket ${id} in group ${groupId}`, async () => {
    const ticket = await (await h.call(supervisorA, "GET", `/v1/tickets/${id}`)).json();
    return ticket.groupId === groupId ? ticket : undefined;
  });
}

Deno.test(
  "retrain - a tenant's solved tickets train its queue model, and running routing uses it once told",
  () =>
    withHarness(async (h) => {
      const modelsDir = await Deno.makeTempDir({ prefix: "routing-models-" });
      await seedSolvedTickets(h, 60);
      let routing = await startRouting(h, {}, { tenantModelsDir: modelsDir });
      const { envelope, close } = await openEnvelope(h.nc, h.jsm, {
        keyring: h.keyring,
        profiles: h.config.profiles,
        dataKeyCacheEntries: 1_000,
      });
      try {
        for (const groupId of Object.keys(TOPICS)) {
          const response = await routing.call(
            supervisorA,
            "PUT",
            `/v1/routing/agents/agent-${groupId}`,
            {
              displayName: groupId,
              skills: [],
              languages: ["en"],
              groups: [groupId],
              capacity: 5,
            },
          );
          assert.ok([200, 201].includes(response.status), await response.text());
        }
        const report = await retrainTenant({
          js: jetstream(h.nc),
          jsm: h.jsm,
          envelope,
          stream: h.config.stream.name,
          tenant: "acme",
          outDir: modelsDir,
          log: createLogger("error", { service: "retrain-test" }),
        });
        assert.equal(report.tickets, 120);
        assert.equal(report.solvedWithText, 120); // the 30 closed ones too
        assert.deepEqual(report.queue?.labels, { access: 60, billing: 60 });
        const heldOut = report.queue!.report;
        assert.ok(heldOut.testRows >= 10, `held out ${heldOut.testRows}`);
        assert.ok(heldOut.evaluation.accuracy >= 0.9, JSON.stringify(heldOut.evaluation));
        assert.ok(heldOut.evaluation.accuracy > heldOut.baseline.accuracy);
        assert.equal(report.refused.priority?.code, "retrain_too_few_labels"); // all "normal"
        await Deno.stat(`${modelsDir}/acme/queue.model`);

        assert.deepEqual(await announceModelsChanged(h.nc, "acme"), ["queue"]);
        const { id } = await createTicket(h, customerA, {
          subject: "Refund for a double charge",
          body: "My credit card was charged twice for one invoice; please refund the payment.",
        });
        await inGroup(h, id, "billing");

        // A routing started later finds the tenant's model in the folder by itself.
        await routing.stop();
        routing = await startRouting(h, {}, { tenantModelsDir: modelsDir });
        const login = await createTicket(h, customerA, {
          subject: "Locked out",
          body: "The login page refuses my password and the two-factor code.",
        });
        await inGroup(h, login.id, "access");
      } finally {
        close();
        await routing.stop();
        await Deno.remove(modelsDir, { recursive: true });
      }
    }),
);

/** Runs the CLI with only `env` (plus PATH) and returns its exit code and stderr. */
async function retrainCli(args: string[], env: Record<string, string>) {
  const tool = new URL("../services/routing/tools/retrain.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", tool, ...args],
    env: { PATH: Deno.env.get("PATH") ?? "", ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr).trim() };
}

Deno.test("retrain CLI - a bad tenant, a missing data folder and an unreachable NATS are one clear line each", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "retrain-cli-" });
  try {
    const badTenant = await retrainCli(["--tenant", "Acme Corp"], { TICKETD_DATA_DIR: dataDir });
    assert.equal(badTenant.code, 2);
    assert.match(badTenant.stderr, /^retrain: --tenant must name a tenant .* got "Acme Corp"/);
    const missing = await retrainCli(["--tenant", "acme"], {
      TICKETD_DATA_DIR: `${dataDir}/nowhere`,
    });
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      `retrain: no Ticketd data folder at ${dataDir}/nowhere; set TICKETD_DATA_DIR`,
    );
    await Deno.writeTextFile(`${dataDir}/keyring.json`, "{}");
    const unreachable = await retrainCli(["--tenant", "acme"], {
      TICKETD_DATA_DIR: dataDir,
      NATS_URL: "nats://127.0.0.1:1",
    });
    assert.equal(unreachable.code, 2);
    assert.match(
      unreachable.stderr,
      /^retrain: Cannot reach NATS at nats:\/\/127\.0\.0\.1:1 .*check NATS_URL$/,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
