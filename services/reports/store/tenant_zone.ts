/**
 * The tenant's time zone, where routing keeps it: the zone of its SLA business calendar
 * (`routing_sla_calendars`, docs/routing-sla.md), read only. A tenant without a calendar, or a
 * deployment without routing's tables, gets the reports' default zone.
 * @module
 */
import type { Sql } from "postgres";

const UNDEFINED_TABLE = "42P01";

/** The tenant's IANA zone, else `fallback`. */
export async function tenantTimeZone(sql: Sql, tenant: string, fallback: string): Promise<string> {
  try {
    const [row] = await sql<{ timeZone: string }[]>`
      select time_zone from routing_sla_calendars where tenant = ${tenant}`;
    return row?.timeZone ?? fallback;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return fallback;
    throw error;
  }
}
