/**
 * The audit query API on real PostgreSQL: filters, keyset pages, tenant isolation from the
 * token only, roles, bad input as 4xx problems, CSV safe against formula injection,
 * checkpoints that verify with the served public keys.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { withArchiveTestBed } from "../services/audit/archive/testing.ts";
import { type AuditPublicJwk, verifyStatement } from "../services/audit/signing/audit_keys.ts";
import { type AuditTestBed, get, startAuditTestBed } from "../services/audit/testing.ts";
import type { AuditService } from "../services/audit/service.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

async function withAudit(fn: (bed: AuditTestBed, audit: AuditService) => Promise<void>) {
  const bed = await startAuditTestBed();
  try {
    for (let i = 0; i < 7; i++) {
      await bed.publishCommit("acme", i < 4 ? "11" : "12", {
        actorId: i % 2 === 0 ? "alice" : "bob",
        at: `2026-03-0${i + 1}T10:00:00.000Z`,
      });
    }
    await bed.publishCommit("globex", "11", { actorId: "alice", at: "2026-03-01T10:00:00.000Z" });
    const audit = await bed.startAudit();
    await audit.caughtUp();
    await fn(bed, audit);
  } finally {
    await bed.stop();
  }
}

async function entries(audit: AuditService, token: string, query: string) {
  const response = await get(audit, token, `/v1/audit/entries${query}`);
  equal(response.status, 200);
  return await response.json() as {
    entries: { tenant: string; actor: { id: string }; at: string; target: { id: string } }[];
    nextCursor: string | null;
    archivedBefore: string | null;
  };
}

Deno.test("audit API - filters by actor, ticket, action and time range", options, async () => {
  await withAudit(async (bed, audit) => {
    const token = await bed.token("acme", "auditor");
    const byActor = await entries(audit, token, "?actor=alice");
    deepEqual(byActor.entries.map((e) => e.actor.id), ["alice", "alice", "alice", "alice"]);
    const byTicket = await entries(audit, token, "?ticket=12");
    equal(byTicket.entries.length, 3);
    const range = await entries(
      audit,
      token,
      "?from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z&action=tickets.ticket.change_status",
    );
    deepEqual(range.entries.map((e) => e.at), [
      "2026-03-02T10:00:00.000Z",
      "2026-03-03T10:00:00.000Z",
    ]);
    equal((await entries(audit, token, "?action=tickets.ticket.read")).entries.length, 0);
  });
});

Deno.test("audit API - keyset pages cover every entry once, in time order", options, async () => {
  await withAudit(async (bed, audit) => {
    const token = await bed.token("acme", "auditor");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof entries>> = await entries(
        audit,
        token,
        `?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.entries.map((e) => e.at));
      cursor = page.nextCursor;
    } while (cursor);
    deepEqual(seen, Array.from({ length: 7 }, (_, i) => `2026-03-0${i + 1}T10:00:00.000Z`));
  });
});

Deno.test(
  "audit API - a tenant's auditor sees only their tenant, whatever the query says",
  options,
  async () => {
    await withAudit(async (bed, audit) => {
      const globex = await entries(audit, await bed.token("globex", "auditor"), "?ticket=11");
      deepEqual(globex.entries.map((e) => e.tenant), ["globex"]);
      const tenantParam = await get(
        audit,
        await bed.token("globex", "auditor"),
        "/v1/audit/entries?tenant=acme",
      );
      equal(tenantParam.status, 400);
      equal((await tenantParam.json()).code, "unknown_parameter");
    });
  },
);

Deno.test("audit API - agents may not read it, admins may, no token is 401", options, async () => {
  await withAudit(async (bed, audit) => {
    const agent = await get(audit, await bed.token("acme", "agent"), "/v1/audit/entries");
    equal(agent.status, 403);
    equal((await agent.json()).code, "forbidden");
    equal((await get(audit, await bed.token("acme", "admin"), "/v1/audit/entries")).status, 200);
    const none = await audit.fetch(new Request("http://audit.test/v1/audit/entries"));
    equal(none.status, 401);
  });
});

Deno.test("audit API - bad parameters are 400 problems with codes", options, async () => {
  await withAudit(async (bed, audit) => {
    const token = await bed.token("acme", "auditor");
    for (
      const [query, code] of [
        ["?ticket=abc", "invalid_parameter"],
        ["?from=yesterday", "invalid_parameter"],
        ["?limit=0", "invalid_parameter"],
        ["?limit=100000", "invalid_parameter"],
        ["?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "invalid_parameter"],
        ["?cursor=nonsense", "invalid_cursor"],
        ["?action=DROP%20TABLE", "invalid_parameter"],
        ["?from=0000-01-01T00:00:00Z", "invalid_parameter"],
        ["?to=0000-01-01T00:00:00Z", "invalid_parameter"],
        ["?from=2026-02-30T00:00:00Z", "invalid_parameter"],
        ["?to=10000-01-01T00:00:00Z", "invalid_parameter"],
        ["?actor=%00", "invalid_parameter"],
        ["?actor=a%00b", "invalid_parameter"],
        ["?action=a%00", "invalid_parameter"],
        ["?cursor=%00", "invalid_parameter"],
        ["?limit=1&limit=2", "invalid_parameter"],
        ["?limit=1e1", "invalid_parameter"],
        ["?bogus=1", "unknown_parameter"],
      ]
    ) {
      for (const path of ["/v1/audit/entries", "/v1/audit/entries.csv"]) {
        const response = await get(audit, token, `${path}${query}`);
        equal(response.status, 400, path + query);
        ok(response.headers.get("content-type")!.startsWith("application/problem+json"), query);
        equal((await response.json()).code, code, path + query);
      }
    }
    for (
      const [query, code] of [
        ["?cursor=1&cursor=2", "invalid_parameter"],
        ["?cursor=%00", "invalid_cursor"],
        ["?tenant=globex", "unknown_parameter"],
      ]
    ) {
      const response = await get(audit, token, `/v1/audit/checkpoints${query}`);
      equal(response.status, 400, query);
      equal((await response.json()).code, code, query);
    }
  });
});

Deno.test(
  "audit API - the CSV export streams every entry and defuses formula cells",
  options,
  async () => {
    await withAudit(async (bed, audit) => {
      await bed.publishActivity({
        id: "900",
        at: "2026-03-09T10:00:00.000Z",
        tenant: "acme",
        actor: { id: '=HYPERLINK("http://evil")', role: "agent" },
        action: "tickets.ticket.read",
        target: { type: "ticket", id: "+1+1" },
        outcome: "ok",
        source: { ip: "-2+3", requestId: "@SUM(A1)" },
      });
      await audit.caughtUp();
      const response = await get(
        audit,
        await bed.token("acme", "auditor"),
        "/v1/audit/entries.csv",
      );
      equal(response.status, 200);
      ok(response.headers.get("content-type")!.startsWith("text/csv"));
      const lines = (await response.text()).trimEnd().split("\r\n");
      equal(lines.length, 1 + 8 + 1);
      equal(lines.pop(), "#end,8 entries");
      ok(lines[0].startsWith("at,tenant,stream,seq,n,actor_id"));
      const last = lines.at(-1)!;
      ok(last.includes(`"'=HYPERLINK(""http://evil"")"`), last);
      ok(last.includes(",'+1+1,"), last);
      ok(last.includes(",'-2+3,'@SUM(A1),"), last);
    });
  },
);

Deno.test(
  "audit API - a CSV export whose database fails after the answer started ends with #error",
  options,
  async () => {
    await withAudit(async (bed, audit) => {
      const response = await get(
        audit,
        await bed.token("acme", "auditor"),
        "/v1/audit/entries.csv",
      );
      equal(response.status, 200);
      // Only the header is read ahead; the first page is queried once it is taken.
      await bed.sql`alter table audit_entries rename to audit_entries_away`;
      try {
        const lines = (await response.text()).trimEnd().split("\r\n");
        equal(lines.length, 2);
        ok(lines[0].startsWith("at,tenant,stream,seq,n,actor_id"));
        equal(lines[1], "#error,export_failed,0 entries,");
      } finally {
        await bed.sql`alter table audit_entries_away rename to audit_entries`;
      }
    });
  },
);

Deno.test("audit API - checkpoints verify against the served public keys", options, async () => {
  await withAudit(async (bed, audit) => {
    await audit.checkpointer.flush();
    const token = await bed.token("acme", "auditor");
    const { checkpoints } = await (await get(audit, token, "/v1/audit/checkpoints")).json();
    equal(checkpoints.length, 1);
    const keys = await (await audit.fetch(new Request("http://audit.test/audit/keys"))).json();
    const key = keys.keys.find((k: AuditPublicJwk) => k.kid === checkpoints[0].kid);
    equal(key.alg, "Ed25519");
    ok(await verifyStatement(key, checkpoints[0].statement, checkpoints[0].signature));
    const statement = JSON.parse(checkpoints[0].statement);
    equal(statement.tenant, "acme");
    equal(Object.keys(statement.heads).join(), "TICKETS");
  });
});

Deno.test(
  "audit /metrics - per-stream lag and entries written in Prometheus text",
  options,
  async () => {
    await withAudit(async (_bed, audit) => {
      const text = await (await audit.fetch(new Request("http://audit.test/metrics"))).text();
      ok(text.includes('ticketd_audit_lag_messages{stream="TICKETS"} 0'), text);
      ok(text.includes('ticketd_audit_entries_written_total{stream="TICKETS"} 8'), text);
      ok(text.includes("ticketd_audit_leading 1"), text);
    });
  },
);

Deno.test(
  "audit API - after retention pruned archived entries, both answers say archivedBefore",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const archiving = { TICKETD_AUDIT_ARCHIVE_ENTRIES: "4" };
      const audit = await bed.startAudit(archiving);
      for (let i = 0; i < 6; i++) {
        await bed.publishCommit("acme", "11", { at: `2026-03-0${i + 1}T10:00:00.000Z` });
      }
      await audit.caughtUp();
      const token = await bed.token("acme", "auditor");
      equal((await entries(audit, token, "")).archivedBefore, null);
      await audit.checkpointer.flush();
      await audit.archiver!.tick();
      await audit.stop();
      const pruning = await bed.startAudit({ ...archiving, TICKETD_AUDIT_HOT_RETENTION_DAYS: "0" });
      await pruning.archiver!.tick();
      // The first segment (entries 1..4) is gone from the hot log; entry 5 is the oldest left.
      const answer = await entries(pruning, token, "");
      equal(answer.entries.length, 2);
      equal(answer.archivedBefore, "2026-03-05T10:00:00.000Z");
      const csv = await get(pruning, token, "/v1/audit/entries.csv");
      equal(csv.headers.get("audit-archived-before"), "2026-03-05T10:00:00.000Z");
      match(await csv.text(), /#end,2 entries,archived before 2026-03-05T10:00:00\.000Z\r\n$/);
      const later = await entries(pruning, token, "?from=2026-03-05T10:00:00Z");
      equal(later.archivedBefore, null);
      await pruning.stop();
    }),
);
