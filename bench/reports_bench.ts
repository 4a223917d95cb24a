/**
 * The reports service on a seeded history (issue 11): publishes `--tickets` tickets' lives
 * (created, a reply, assigned, solved, one in ten reopened) spread over 365 days of
 * Europe/Berlin, plus an SLA breach for one in five, with the service stopped; then starts it
 * and measures how fast it folds both streams, and how long reports take to answer (a year per
 * day, per week by agent, the CSV of a year per day by group).
 *
 *   deno run -A --unstable-net bench/reports_bench.ts [--tickets N]
 *   (prints one JSON line; progress on stderr)
 * @module
 */
import { parseArgs } from "node:util";
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { getReport, startReportsTestBed } from "../services/reports/testing.ts";

const { values } = parseArgs({ options: { tickets: { type: "string", default: "5000" } } });
const tickets = Number(values.tickets);
const DAY = 86_400_000;
const START = Date.parse("2026-01-01T08:00:00Z");

const bed = await startReportsTestBed();
try {
  await bed.setTimeZone("acme", "Europe/Berlin");
  let commits = 0;
  const published = performance.now();
  for (let i = 1; i <= tickets; i++) {
    const id = String(i);
    const at = (ms: number) => new Date(ms).toISOString();
    const created = START + Math.floor((i / tickets) * 365 * DAY);
    const agent = `agent-${i % 20}`;
    const group = `g${i % 4}`;
    await bed.commit("acme", id, at(created), [createdEvent(id, group)]);
    await bed.commit("acme", id, at(created + 3_600_000), [reply(id, agent)]);
    await bed.commit("acme", id, at(created + 3_700_000), [assigned(agent, group)]);
    await bed.commit("acme", id, at(created + 6 * 3_600_000), [status("new", "solved")]);
    commits += 4;
    if (i % 10 === 0) {
      await bed.commit("acme", id, at(created + DAY), [status("solved", "open")], {
        id: "cust-1",
        role: "customer",
      });
      commits++;
    }
    if (i % 5 === 0) {
      await bed.alarm({
        type: "SlaBreached",
        data: {
          ticketId: id,
          tenant: "acme",
          target: "resolution",
          dueAt: at(created + 4 * 3_600_000),
          policyPriority: "normal",
        },
      });
      commits++;
    }
    if (i % 1000 === 0) console.error(`published ${i} tickets`);
  }
  const publishSeconds = (performance.now() - published) / 1000;
  const started = performance.now();
  const service = await bed.startReports();
  await service.caughtUp(600_000);
  const foldSeconds = (performance.now() - started) / 1000;
  const token = await bed.token("acme", "supervisor");
  const timed = async (path: string) => {
    const t0 = performance.now();
    const response = await getReport(service, token, path);
    await response.text();
    return Math.round(performance.now() - t0);
  };
  const year = "from=2026-01-01&to=2026-12-31";
  const result = {
    tickets,
    messages: commits,
    publishSeconds: Math.round(publishSeconds * 10) / 10,
    foldSeconds: Math.round(foldSeconds * 10) / 10,
    foldMessagesPerSecond: Math.round(commits / foldSeconds),
    volumesYearByDayMs: await timed(`/v1/reports/volumes?${year}`),
    timesYearByWeekPerAgentMs: await timed(`/v1/reports/times?${year}&interval=week&by=agent`),
    slaYearByDayCsvPerGroupMs: await timed(`/v1/reports/sla.csv?${year}&by=group`),
    slotRows: Number(
      (await bed.sql<{ count: string }[]>`select count(*) from report_slots`)[0].count,
    ),
  };
  console.log(JSON.stringify(result));
} finally {
  await bed.stop();
}

function createdEvent(ticketId: string, groupId: string): TicketEvent {
  return {
    type: "TicketCreated",
    data: {
      ticketId,
      number: Number(ticketId),
      requesterId: "cust-1",
      subject: "enc:v1:sealed",
      status: "new",
      priority: "normal",
      tags: [],
      assigneeId: null,
      groupId,
      customFields: {},
      followUpOf: null,
      externalId: null,
    },
  };
}

function reply(ticketId: string, authorId: string): TicketEvent {
  return {
    type: "MessagePosted",
    data: {
      messageId: `${ticketId}1`,
      authorId,
      authorRole: "agent",
      internal: false,
      body: "enc:v1:sealed",
    },
  };
}

function assigned(assigneeId: string, groupId: string): TicketEvent {
  return { type: "TicketAssigned", data: { assigneeId, groupId } };
}

function status(from: string, to: string): TicketEvent {
  return { type: "TicketStatusChanged", data: { from, to } } as TicketEvent;
}
