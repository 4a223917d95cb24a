import { deepEqual, equal, match } from "node:assert/strict";
import {
  getReport,
  type ReportsTestBed,
  startReportsTestBed,
} from "../services/reports/testing.ts";
import { FORMULA_AGENT, seedAfter, seedBefore, TENANT } from "./reports_seed.ts";

type Service = Awaited<ReturnType<ReportsTestBed["startReports"]>>;

async function withSeededReports(test: (bed: ReportsTestBed, service: Service) => Promise<void>) {
  const bed = await startReportsTestBed();
  try {
    await bed.setTimeZone(TENANT, "Europe/Berlin");
    await seedBefore(bed);
    await seedAfter(bed);
    const service = await bed.startReports();
    await service.caughtUp();
    await test(bed, service);
  } finally {
    await bed.stop();
  }
}

const RANGE = "from=2026-03-28&to=2026-03-30";

Deno.test("reports API - only supervisors and admins read reports; others get 403 forbidden", async () => {
  await withSeededReports(async (bed, service) => {
    for (const role of ["customer", "agent", "auditor"] as const) {
      const response = await getReport(
        service,
        await bed.token(TENANT, role),
        "/v1/reports/volumes",
      );
      equal(response.status, 403, role);
      equal((await response.json()).code, "forbidden");
    }
    for (const role of ["supervisor", "admin"] as const) {
      const response = await getReport(
        service,
        await bed.token(TENANT, role),
        "/v1/reports/volumes",
      );
      equal(response.status, 200, role);
      await response.body?.cancel();
    }
    const anonymous = await service.fetch(new Request("http://reports.test/v1/reports/volumes"));
    equal(anonymous.status, 401);
    await anonymous.body?.cancel();
  });
});

Deno.test("reports API - the tenant comes from the token: another tenant sees only its own numbers", async () => {
  await withSeededReports(async (bed, service) => {
    const response = await getReport(
      service,
      await bed.token("other", "admin"),
      `/v1/reports/volumes?${RANGE}`,
    );
    const body = await response.json();
    equal(body.timeZone, "UTC"); // no calendar: the default zone
    deepEqual(body.rows.map((r: { created: number }) => r.created), [0, 0, 1]);
  });
});

Deno.test("reports API - bad parameters are 400 problems with stable codes", async () => {
  await withSeededReports(async (bed, service) => {
    const token = await bed.token(TENANT, "supervisor");
    const cases: [string, number, string][] = [
      ["/v1/reports/volumes?from=2026-02-30", 400, "invalid_parameter"],
      ["/v1/reports/volumes?interval=hour", 400, "invalid_parameter"],
      ["/v1/reports/volumes?from=2026-03-30&to=2026-03-01", 400, "invalid_parameter"],
      ["/v1/reports/volumes?from=2020-01-01&to=2026-01-01", 400, "range_too_long"],
      ["/v1/reports/volumes?tenant=acme", 400, "unknown_parameter"],
      ["/v1/reports/nope", 404, "unknown_report"],
    ];
    for (const [path, status, code] of cases) {
      const response = await getReport(service, token, path);
      equal(response.status, status, path);
      equal((await response.json()).code, code, path);
    }
  });
});

Deno.test("reports API - CSV defuses formula-like text cells while numbers stay plain numbers", async () => {
  await withSeededReports(async (bed, service) => {
    const response = await getReport(
      service,
      await bed.token(TENANT, "admin"),
      `/v1/reports/volumes.csv?from=2026-03-30&to=2026-03-30&by=agent`,
    );
    equal(response.status, 200);
    match(response.headers.get("content-type")!, /^text\/csv/);
    const lines = (await response.text()).split("\r\n");
    equal(lines[0], "period,agent,created,solved,reopened,backlog");
    const quoted = `"'${FORMULA_AGENT.replaceAll('"', '""')}"`;
    deepEqual(lines.filter((line) => line.includes("HYPERLINK")), [`2026-03-30,${quoted},1,0,0,1`]);
    const groups = await getReport(
      service,
      await bed.token(TENANT, "admin"),
      `/v1/reports/volumes.csv?from=2026-03-30&to=2026-03-30&by=group`,
    );
    // The group "-1+2" is text and defused; the counts beside it are numbers.
    match(await groups.text(), /\r\n2026-03-30,'-1\+2,1,0,0,1\r\n/);
  });
});

Deno.test("reports API - probes and /metrics need no token; /metrics shows each feed's lag", async () => {
  await withSeededReports(async (_bed, service) => {
    const ready = await service.fetch(new Request("http://reports.test/readyz"));
    equal(ready.status, 200);
    await ready.body?.cancel();
    const metrics = await (await service.fetch(new Request("http://reports.test/metrics"))).text();
    match(metrics, /ticketd_projection_lag_messages\{projection="reports",stream="TICKETS"\} 0/);
    match(metrics, /ticketd_projection_lag_messages\{projection="reports",stream="ROUTING"\} 0/);
  });
});
