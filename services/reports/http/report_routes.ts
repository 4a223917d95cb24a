/**
 * The reports API in the caller's tenant (supervisors and admins): `GET /reports/<name>` as
 * JSON rows and `GET /reports/<name>.csv` as a CSV file of the same rows (text cells defused,
 * numbers plain). Computed from the aggregate tables in the tenant's time zone.
 * @module
 */
import { Hono } from "hono";
import type { Sql } from "postgres";
import { csvLine } from "@ticketd/shared/csv/csv.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { authoriseReportRead } from "../domain/permissions.ts";
import { type PeriodReport, rollup } from "../domain/rollup.ts";
import { dateEpoch } from "../domain/periods.ts";
import { backlogBefore, durationSums, type SlotFilter, slotSums } from "../store/report_queries.ts";
import { tenantTimeZone } from "../store/tenant_zone.ts";
import { REPORT_NAMES, reportColumns, reportRow } from "./report_definitions.ts";
import { parseReportQuery, type ReportQuery, today } from "./report_query.ts";

export type ReportsEnv = { Variables: { principal: Principal; requestId: string } };

export interface ReportRoutesDeps {
  sql: Sql;
  /** The zone of tenants without a calendar. */
  defaultTimeZone: string;
  maxDays: number;
  now: () => Date;
}

/** Zones run from UTC-12 to UTC+14: slots this far either side hold every local date asked. */
const ZONE_MARGIN_MS = 15 * 3_600_000;
const DAY_MS = 86_400_000;

export function reportRoutes(deps: ReportRoutesDeps): Hono<ReportsEnv> {
  const app = new Hono<ReportsEnv>();
  app.use("/reports/*", async (c, next) => {
    authoriseReportRead(c.get("principal").role);
    await next();
  });
  app.get("/reports/:file", async (c) => {
    const file = c.req.param("file");
    const csv = file.endsWith(".csv");
    const name = csv ? file.slice(0, -4) : file;
    if (!REPORT_NAMES.includes(name)) {
      fail("unknown_report", `No report "${name.slice(0, 40)}"`, 404, { reports: REPORT_NAMES });
    }
    const tenant = c.get("principal").tenant;
    const timeZone = await tenantTimeZone(deps.sql, tenant, deps.defaultTimeZone);
    const params = new URL(c.req.url).searchParams;
    const query = parseReportQuery(params, today(deps.now(), timeZone), deps.maxDays);
    const rows = (await report(deps.sql, tenant, timeZone, query))
      .map((row) => reportRow(name, query.by, row));
    if (!csv) return c.json({ report: name, tenant, timeZone, ...query, rows });
    const columns = reportColumns(name, query.by);
    const body = csvLine(columns) + rows.map((row) => csvLine(columns.map((k) => row[k]))).join("");
    return c.body(body, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}-${query.from}-${query.to}.csv"`,
    });
  });
  return app;
}

async function report(
  sql: Sql,
  tenant: string,
  timeZone: string,
  query: ReportQuery,
): Promise<PeriodReport[]> {
  const filter: SlotFilter = {
    tenant,
    agentId: query.agentId,
    groupId: query.groupId,
    by: query.by,
    from: dateEpoch(query.from) - ZONE_MARGIN_MS,
    until: dateEpoch(query.to) + DAY_MS + ZONE_MARGIN_MS,
    timeZone,
  };
  const [before, slots, durations] = await Promise.all([
    backlogBefore(sql, filter),
    slotSums(sql, filter),
    durationSums(sql, filter),
  ]);
  return rollup({ ...query, backlogBefore: before, slots, durations });
}
