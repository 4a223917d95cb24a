/**
 * Nothing readable at rest: subjects and bodies are sealed in the stream and in every table,
 * and search still works on keyed token hashes.
 * @module
 */
import assert from "node:assert/strict";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { profileMismatches } from "../services/tickets/projections/search_profiles.ts";
import {
  agentA,
  createTicket,
  customerA,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

const MARKERS = ["Zanzibar", "zanzibar", "机密泄露", "Quetzalcoatl"];

Deno.test("at rest - no plaintext subject, body or note in the raw stream or any table", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA, {
      subject: "Zanzibar invoice 机密泄露",
      body: "Quetzalcoatl account number 12345",
    });
    const note = await h.call(agentA, "POST", `/v1/tickets/${id}/messages`, {
      body: "zanzibar note",
      internal: true,
    });
    const { version } = await note.json();
    await projected(h, version);

    const info = await h.jsm.streams.info("TICKETS");
    const decoder = new TextDecoder();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await h.jsm.streams.getMessage("TICKETS", { seq });
      const raw = decoder.decode(message!.data) + JSON.stringify(message!.header);
      for (const marker of MARKERS) assert.ok(!raw.includes(marker), `stream holds "${marker}"`);
    }
    const tables = await h.sql<{ dump: string }[]>`
      select row_to_json(t)::text as dump from tickets t
      union all select row_to_json(m)::text from ticket_messages m
      union all select row_to_json(p)::text from projector_positions p`;
    assert.ok(tables.length >= 3);
    for (const { dump } of tables) {
      for (const marker of MARKERS) assert.ok(!dump.includes(marker), `table holds "${marker}"`);
    }
    const found = await (await h.call(agentA, "GET", "/v1/tickets?q=zanzibar")).json();
    assert.equal(found.tickets[0].subject, "Zanzibar invoice 机密泄露");
  }));

Deno.test("at rest - a sealed value copied onto another ticket does not open", () =>
  withHarness(async (h) => {
    const a = await createTicket(h, customerA, { subject: "Secret A" });
    const b = await createTicket(h, customerA, { subject: "Plain B" });
    await projected(h, b.version);
    await h
      .sql`update tickets set subject_sealed = (select subject_sealed from tickets where id = ${a.id})
                where id = ${b.id}`;
    const response = await h.call(agentA, "GET", `/v1/tickets/${b.id}`);
    assert.equal(response.status, 500);
    assert.equal((await response.json()).code, "internal_error");
  }));

Deno.test("at rest - a gm tenant's text is SM4-GCM in the stream, searchable, its hash profile recorded", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA, { subject: "Quetzalcoatl 机密泄露" });
    await projected(h, version);
    const info = await h.jsm.streams.info("TICKETS");
    const raw = new TextDecoder().decode(
      (await h.jsm.streams.getMessage("TICKETS", { seq: info.state.last_seq }))!.data,
    );
    assert.match(raw, /"subject":"enc:v2:SM4GCM:/);
    assert.ok(!raw.includes("Quetzalcoatl"));
    for (const q of ["quetzalcoatl", "机密"]) {
      const found = await (await h.call(agentA, "GET", `/v1/tickets?q=${q}`)).json();
      assert.deepEqual(found.tickets.map((t: { id: string }) => t.id), [id], q);
    }
    // Started later with other settings, the service would say search needs a replay.
    assert.deepEqual(await profileMismatches(h.sql, parseTenantProfiles("intl")), [
      { tenant: "acme", recorded: "gm", configured: "intl" },
    ]);
    assert.deepEqual(await profileMismatches(h.sql, h.config.profiles), []);
  }, { TICKETD_TENANT_PROFILES: "acme=gm" }));
