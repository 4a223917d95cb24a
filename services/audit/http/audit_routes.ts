/**
 * The audit API in the caller's tenant (auditors and admins): entries by actor, ticket, action
 * and time range with keyset pages, the same as CSV streamed page by page, the signed
 * checkpoints. The tenant comes from the token only. Every parameter is checked before the
 * first query; both entry answers say `archivedBefore` when retention pruned part of the range.
 * @module
 */
import { Hono } from "hono";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { authoriseAuditRead } from "../domain/permissions.ts";
import type { AuditEntry } from "../domain/entry.ts";
import { type EntryRow, queryEntries } from "../store/entry_queries.ts";
import type { CheckpointStore } from "../store/checkpoint_store.ts";
import type { Sql } from "postgres";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { checkParamNames } from "@ticketd/shared/http/query_params.ts";
import { archivedBefore, archivedInRange } from "./archived_before.ts";
import { csvExportStream } from "./csv_export.ts";
import { encodeEntryCursor, type EntryQuery, parseEntryQuery } from "./query_params.ts";

export type AuditEnv = {
  Variables: { principal: Principal; requestId: string; log: Logger };
};

export interface AuditRoutesDeps {
  sql: Sql;
  checkpoints: CheckpointStore;
  pages: { defaultSize: number; maxSize: number };
}

/** Set on both entry answers when entries of the range may be only in the archive. */
const ARCHIVED_BEFORE_HEADER = "audit-archived-before";

const CHECKPOINT_PARAMS = new Set(["cursor"]);

const CSV_COLUMNS = [
  "at",
  "tenant",
  "stream",
  "seq",
  "n",
  "actor_id",
  "actor_role",
  "action",
  "target_type",
  "target_id",
  "outcome",
  "ip",
  "request_id",
  "changes",
  "hash",
];

export function auditRoutes(deps: AuditRoutesDeps): Hono<AuditEnv> {
  const app = new Hono<AuditEnv>();
  app.use("/audit/*", async (c, next) => {
    authoriseAuditRead(c.get("principal").role);
    await next();
  });

  app.get("/audit/entries", async (c) => {
    const query = entryQuery(c.req.url, c.get("principal").tenant, deps);
    const rows = await queryEntries(deps.sql, query.filter, query.after, query.limit);
    const last = rows.at(-1);
    const before = await archivedFor(deps.sql, query);
    if (before) c.header(ARCHIVED_BEFORE_HEADER, before);
    return c.json({
      entries: rows.map((row) => ({ ...(JSON.parse(row.entry) as AuditEntry), hash: row.hash })),
      nextCursor: last && rows.length === query.limit ? encodeEntryCursor(last) : null,
      archivedBefore: before,
    });
  });

  app.get("/audit/entries.csv", async (c) => {
    const tenant = c.get("principal").tenant;
    const query = entryQuery(c.req.url, tenant, deps);
    const before = await archivedFor(deps.sql, query);
    const limit = deps.pages.maxSize;
    const stream = csvExportStream<EntryRow>({
      columns: CSV_COLUMNS,
      readPage: async (after) => {
        const rows = await queryEntries(deps.sql, query.filter, after ?? query.after, limit);
        return { rows, last: rows.length < limit };
      },
      cells: csvCells,
      cursorOf: encodeEntryCursor,
      archivedBefore: before,
      failed: (error, count) =>
        c.get("log").error("audit CSV export failed", {
          requestId: c.get("requestId"),
          entries: count,
          error: (error as Error).name,
          message: (error as Error).message,
        }),
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${tenant}.csv"`,
        ...(before ? { [ARCHIVED_BEFORE_HEADER]: before } : {}),
      },
    });
  });

  app.get("/audit/checkpoints", async (c) => {
    const params = new URL(c.req.url).searchParams;
    checkParamNames(params, CHECKPOINT_PARAMS);
    const after = params.get("cursor") ?? "0";
    if (!/^[0-9]{1,18}$/.test(after)) fail("invalid_cursor", "The cursor is malformed", 400);
    const limit = deps.pages.maxSize;
    const rows = await deps.checkpoints.list(c.get("principal").tenant, after, limit);
    return c.json({
      checkpoints: rows,
      nextCursor: rows.length === limit ? rows.at(-1)!.id : null,
    });
  });
  return app;
}

function entryQuery(url: string, tenant: string, deps: AuditRoutesDeps): EntryQuery {
  return parseEntryQuery(new URL(url).searchParams, tenant, deps.pages);
}

async function archivedFor(sql: Sql, query: EntryQuery): Promise<string | null> {
  return archivedInRange(await archivedBefore(sql, query.filter.tenant), query.filter.from);
}

function csvCells(row: EntryRow): (string | number | null)[] {
  const entry = JSON.parse(row.entry) as AuditEntry;
  return [
    entry.at,
    entry.tenant,
    entry.source.stream,
    entry.source.seq,
    entry.n,
    entry.actor.id,
    entry.actor.role,
    entry.action,
    entry.target.type,
    entry.target.id,
    entry.outcome,
    entry.ip,
    entry.requestId,
    JSON.stringify(entry.changes),
    row.hash,
  ];
}
