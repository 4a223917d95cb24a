/**
 * SLA policies in PostgreSQL: each tenant's business calendar and its targets by priority.
 * Every query names the tenant. What is written here was validated by the domain first.
 * @module
 */
import type { Sql } from "postgres";
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { ALWAYS_OPEN, type BusinessCalendar } from "../domain/sla/calendar.ts";
import type { SlaPolicy, SlaTarget, SlaTargets } from "../domain/sla/policy.ts";

interface CalendarRow {
  timeZone: string;
  hours: BusinessCalendar["hours"];
  holidays: BusinessCalendar["holidays"];
}

interface TargetRow extends SlaTarget {
  priority: Priority;
}

/** The routing_sla_calendars and routing_sla_policies tables. */
export class SlaStore {
  constructor(private readonly sql: Sql) {}

  /** The tenant's calendar, or null when it has none (then {@link ALWAYS_OPEN} applies). */
  async calendar(tenant: string): Promise<BusinessCalendar | null> {
    const [row] = await this.sql<CalendarRow[]>`
      select time_zone, hours, holidays from routing_sla_calendars where tenant = ${tenant}`;
    return row ? { timeZone: row.timeZone, hours: row.hours, holidays: row.holidays } : null;
  }

  /** Replaces the tenant's calendar. */
  async putCalendar(tenant: string, calendar: BusinessCalendar): Promise<void> {
    const hours = this.sql.json(calendar.hours as never);
    const holidays = this.sql.json(calendar.holidays as never);
    await this.sql`
      insert into routing_sla_calendars (tenant, time_zone, hours, holidays)
      values (${tenant}, ${calendar.timeZone}, ${hours}, ${holidays})
      on conflict (tenant) do update set time_zone = excluded.time_zone, hours = excluded.hours,
        holidays = excluded.holidays, updated_at = now()`;
  }

  /** The tenant's targets by priority (priorities without one are absent). */
  async targets(tenant: string): Promise<SlaTargets> {
    const rows = await this.sql<TargetRow[]>`
      select priority, first_response_minutes, resolution_minutes, warn_at_percent
      from routing_sla_policies where tenant = ${tenant}`;
    const targets: SlaTargets = {};
    for (const { priority, ...target } of rows) targets[priority] = { ...target };
    return targets;
  }

  /** Replaces all of the tenant's targets in one transaction. */
  async putTargets(tenant: string, targets: SlaTargets): Promise<void> {
    const rows = Object.entries(targets).map(([priority, t]) => ({
      tenant,
      priority,
      first_response_minutes: t.firstResponseMinutes,
      resolution_minutes: t.resolutionMinutes,
      warn_at_percent: t.warnAtPercent,
    }));
    await this.sql.begin(async (tx) => {
      await tx`delete from routing_sla_policies where tenant = ${tenant}`;
      if (rows.length) await tx`insert into routing_sla_policies ${tx(rows)}`;
    });
  }

  /** Calendar and targets together, as the clocks need them. */
  async policy(tenant: string): Promise<SlaPolicy> {
    const [calendar, targets] = await Promise.all([this.calendar(tenant), this.targets(tenant)]);
    return { calendar: calendar ?? ALWAYS_OPEN, targets };
  }
}
