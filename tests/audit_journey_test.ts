/**
 * The audit service beside a real tickets service: changes made through the tickets API become
 * chained entries naming the actor, the ticket and the changed fields, never the text.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { loadAuditConfig } from "../services/audit/config.ts";
import { startAuditService } from "../services/audit/service.ts";
import { agentA, createTicket, customerA, withHarness } from "./support/tickets_harness.ts";

Deno.test(
  "audit journey - ticket changes through the API are audited with actor and fields, no text",
  {
    sanitizeOps: false,
    sanitizeResources: false,
  },
  async () => {
    await withHarness(async (h) => {
      const nc = await connect({ servers: h.natsUrl });
      const audit = await startAuditService(loadAuditConfig({}), {
        nc,
        sql: h.sql,
        profiles: h.config.profiles,
        verify: h.verify,
        dataDir: h.config.dataDir,
        ticketStream: h.config.stream.name,
        log: createLogger("error", { service: "audit-test" }),
      });
      try {
        const ticket = await createTicket(h, customerA, {
          subject: "Secret subject 机密",
          body: "Secret body text",
        });
        const reply = await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/messages`, {
          body: "Secret reply",
        });
        equal(reply.status, 200);
        await audit.caughtUp();
        const response = await audit.fetch(
          new Request(`http://audit.test/v1/audit/entries?ticket=${ticket.id}`, {
            headers: {
              authorization: `Bearer ${await h.token({
                ...customerA,
                sub: "aud",
                role: "auditor",
              })}`,
            },
          }),
        );
        const { entries } = await response.json();
        deepEqual(
          entries.map((e: { actor: { id: string }; action: string }) => [e.actor.id, e.action]),
          [
            ["cust-a", "tickets.ticket.create"],
            ["agent-a", "tickets.ticket.post_message"],
          ],
        );
        ok(entries[0].changes.fields.includes("subject"));
        const stored = await h.sql<{ entry: string }[]>`select entry from audit_entries`;
        const all = stored.map((row) => row.entry).join("\n");
        for (const secret of ["Secret", "机密", "enc:"]) ok(!all.includes(secret), secret);
      } finally {
        await audit.stop();
        await nc.drain();
      }
    });
  },
);
