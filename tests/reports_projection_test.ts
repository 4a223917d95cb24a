import { deepEqual, equal } from "node:assert/strict";
import { rebuildReports } from "../services/reports/projections/rebuild.ts";
import {
  getReport,
  type ReportsTestBed,
  startReportsTestBed,
} from "../services/reports/testing.ts";
import { seedAfter, seedBefore, TENANT } from "./reports_seed.ts";

type Row = Record<string, string | number | null>;

async function rows(bed: ReportsTestBed, service: Parameters<typeof getReport>[0], path: string) {
  const response = await getReport(service, await bed.token(TENANT, "supervisor"), path);
  equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { rows: Row[] }).rows;
}

const RANGE = "from=2026-03-28&to=2026-03-30";

async function withSeededReports(
  test: (
    bed: ReportsTestBed,
    service: Awaited<ReturnType<ReportsTestBed["startReports"]>>,
  ) => Promise<void>,
) {
  const bed = await startReportsTestBed();
  try {
    await bed.setTimeZone(TENANT, "Europe/Berlin");
    await seedBefore(bed);
    const service = await bed.startReports();
    await seedAfter(bed);
    await service.caughtUp();
    await test(bed, service);
  } finally {
    await bed.stop();
  }
}

Deno.test("reports - volumes and backlog per local day in Europe/Berlin across the DST change", async () => {
  await withSeededReports(async (bed, service) => {
    deepEqual(await rows(bed, service, `/v1/reports/volumes?${RANGE}`), [
      { period: "2026-03-28", created: 1, solved: 0, reopened: 0, backlog: 1 },
      { period: "2026-03-29", created: 2, solved: 2, reopened: 0, backlog: 1 },
      { period: "2026-03-30", created: 2, solved: 0, reopened: 1, backlog: 4 },
    ]);
    deepEqual(await rows(bed, service, `/v1/reports/volumes?${RANGE}&interval=week`), [
      { period: "2026-03-23", created: 3, solved: 2, reopened: 0, backlog: 1 },
      { period: "2026-03-30", created: 2, solved: 0, reopened: 1, backlog: 4 },
    ]);
  });
});

Deno.test("reports - an agent's numbers follow the tickets assigned to them", async () => {
  await withSeededReports(async (bed, service) => {
    deepEqual(await rows(bed, service, `/v1/reports/volumes?${RANGE}&agent=agent-b`), [
      { period: "2026-03-28", created: 0, solved: 0, reopened: 0, backlog: 0 },
      { period: "2026-03-29", created: 0, solved: 1, reopened: 0, backlog: 0 },
      { period: "2026-03-30", created: 0, solved: 0, reopened: 1, backlog: 1 },
    ]);
    const byGroup = await rows(bed, service, `/v1/reports/volumes?${RANGE}&by=group`);
    deepEqual(byGroup.filter((r) => r.period === "2026-03-30").map((r) => [r.group, r.backlog]), [
      ["-1+2", 1],
      ["g1", 2],
      ["g2", 1],
    ]);
  });
});

Deno.test("reports - first-response and resolution times with percentiles from the histogram", async () => {
  await withSeededReports(async (bed, service) => {
    const [, sunday, monday] = await rows(bed, service, `/v1/reports/times?${RANGE}`);
    deepEqual(sunday, {
      period: "2026-03-29",
      first_response_count: 1,
      first_response_avg_seconds: 7_200,
      first_response_p50_seconds: 7_200,
      first_response_p90_seconds: 7_200,
      resolution_count: 2,
      resolution_avg_seconds: 27_000,
      resolution_p50_seconds: 28_800,
      resolution_p90_seconds: 86_400,
    });
    equal(monday.first_response_count, 1);
    equal(monday.first_response_avg_seconds, 30_600);
  });
});

Deno.test("reports - SLA counts a target where it ended; a breach arriving later moves it to breached", async () => {
  await withSeededReports(async (bed, service) => {
    deepEqual(await rows(bed, service, `/v1/reports/sla?${RANGE}`), [
      { period: "2026-03-28", sla_attained: 0, sla_breached: 0, sla_attainment_percent: null },
      { period: "2026-03-29", sla_attained: 2, sla_breached: 1, sla_attainment_percent: 66.67 },
      { period: "2026-03-30", sla_attained: 0, sla_breached: 1, sla_attainment_percent: 0 },
    ]);
  });
});

Deno.test("reports - tracked time per agent; a correction subtracts, and a negative total stays a number in CSV", async () => {
  await withSeededReports(async (bed, service) => {
    const tracked = await rows(bed, service, `/v1/reports/time_tracked?${RANGE}&by=agent`);
    deepEqual(tracked.filter((r) => r.time_tracked_seconds !== 0), [
      { period: "2026-03-29", agent: "agent-a", time_tracked_seconds: 1_200 },
      { period: "2026-03-30", agent: "agent-a", time_tracked_seconds: -100 },
    ]);
    const csv = await getReport(
      service,
      await bed.token(TENANT, "admin"),
      `/v1/reports/time_tracked.csv?${RANGE}&by=agent`,
    );
    const lines = (await csv.text()).split("\r\n");
    equal(lines.includes("2026-03-30,agent-a,-100"), true, lines.join("|"));
  });
});

Deno.test("reports - a rebuild from the streams gives the same reports as the live fold", async () => {
  await withSeededReports(async (bed, service) => {
    const paths = ["volumes", "times", "sla", "csat", "time_tracked"].flatMap((name) => [
      `/v1/reports/${name}?${RANGE}`,
      `/v1/reports/${name}?${RANGE}&by=agent&interval=week`,
    ]);
    const live = await Promise.all(paths.map((path) => rows(bed, service, path)));
    await service.stop();
    await rebuildReports(bed.sql, bed.jsm, "TICKETS");
    const [{ count }] = await bed.sql<{ count: string }[]>`select count(*) from report_slots`;
    equal(Number(count), 0);
    const rebuilt = await bed.startReports();
    await rebuilt.caughtUp();
    deepEqual(await Promise.all(paths.map((path) => rows(bed, rebuilt, path))), live);
  });
});
