/**
 * CSAT end to end on real NATS and PostgreSQL: the requester's link from the tickets service,
 * the answer through the public survey route (no sign-in) into the ticket's stream with the
 * comment sealed, a second answer refused, and the reports service counting it.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { surveyTokens } from "@ticketd/shared/csat/survey_token.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { loadReportsConfig } from "../services/reports/config.ts";
import { startReportsService } from "../services/reports/service.ts";
import { getReport } from "../services/reports/testing.ts";
import {
  agentA,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

const COMMENT = "Schnell und freundlich, danke";

async function solvedTicket(h: Harness): Promise<string> {
  const created = await createTicket(h, customerA);
  const solved = await h.call(agentA, "POST", `/v1/tickets/${created.id}/status`, {
    status: "solved",
  });
  equal(solved.status, 200, await solved.clone().text());
  await projected(h, Number(solved.headers.get("etag")!.replaceAll('"', "")));
  return created.id;
}

async function survey(h: Harness, token: string, body?: unknown): Promise<Response> {
  const init: RequestInit = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  return await h.service.fetch(new Request(`http://tickets.test/v1/surveys/${token}`, init));
}

Deno.test("CSAT - the requester rates a solved ticket by its link alone; the comment is sealed in the stream", async () => {
  await withHarness(async (h) => {
    const id = await solvedTicket(h);
    const link = await h.call(customerA, "GET", `/v1/tickets/${id}/survey`);
    equal(link.status, 200);
    const { token, path } = await link.json();
    ok(path.startsWith("/survey/#"));
    const shown = await survey(h, token);
    deepEqual((await shown.json()).open, true);
    const answer = await survey(h, token, { rating: 5, comment: COMMENT });
    equal(answer.status, 200, await answer.clone().text());
    const again = await survey(h, token, { rating: 1 });
    equal(again.status, 409);
    equal((await again.json()).code, "survey_answered");
    const closed = await (await survey(h, token)).json();
    deepEqual([closed.open, closed.closedBecause], [false, "answered"]);
    const jsm = await jetstreamManager(h.nc);
    const last = await jsm.streams.getMessage("TICKETS", { last_by_subj: `tickets.acme.${id}` });
    const raw = new TextDecoder().decode(last!.data);
    ok(!raw.includes(COMMENT), "no plaintext comment in the stream");
    const commit = JSON.parse(raw);
    equal(commit.events[0].type, "SatisfactionRated");
    equal(commit.meta.actorId, customerA.sub);
    ok(commit.events[0].data.comment.startsWith("enc:"));
  });
});

Deno.test("CSAT - a link is only for the requester of a solved ticket; a forged or expired one is refused", async () => {
  await withHarness(async (h) => {
    const open = await createTicket(h, customerA);
    await projected(h, open.version);
    const notSolved = await h.call(customerA, "GET", `/v1/tickets/${open.id}/survey`);
    equal((await notSolved.json()).code, "survey_not_open");
    const id = await solvedTicket(h);
    equal((await h.call(agentA, "GET", `/v1/tickets/${id}/survey`)).status, 403);
    equal((await h.call(customerA2, "GET", `/v1/tickets/${id}/survey`)).status, 404);
    const { token } = await (await h.call(customerA, "GET", `/v1/tickets/${id}/survey`)).json();
    const forged = `${token.slice(0, -2)}xx`;
    equal((await (await survey(h, forged, { rating: 5 })).json()).code, "survey_not_found");
    const expired = surveyTokens(h.keyring.searchKey, h.config.profiles).issue({
      tenant: "acme",
      ticketId: id,
      requesterId: customerA.sub,
      expiresAt: 1_000_000,
    });
    const late = await survey(h, expired, { rating: 5 });
    equal(late.status, 410);
    equal((await late.json()).code, "survey_expired");
    const bad = await survey(h, token, { rating: 9 });
    equal(bad.status, 422);
    await bad.body?.cancel();
  });
});

Deno.test("CSAT - a ticket closed by a merge gets no survey link (409 survey_not_open, reason merged) and its old link shows open: false", async () => {
  await withHarness(async (h) => {
    const id = await solvedTicket(h);
    const { token } = await (await h.call(customerA, "GET", `/v1/tickets/${id}/survey`)).json();
    const target = await createTicket(h, customerA);
    const merged = await h.call(agentA, "POST", `/v1/tickets/${id}/merge`, { into: target.id });
    equal(merged.status, 200, await merged.clone().text());
    await projected(h, (await h.jsm.streams.info("TICKETS")).state.last_seq);
    const link = await h.call(customerA, "GET", `/v1/tickets/${id}/survey`);
    equal(link.status, 409);
    const problem = await link.json();
    equal(problem.code, "survey_not_open");
    equal(problem.reason, "merged");
    const closed = await (await survey(h, token)).json();
    deepEqual([closed.open, closed.closedBecause], [false, "merged"]);
  });
});

Deno.test("CSAT - the reports count the rating: responses, average and good share", async () => {
  await withHarness(async (h) => {
    const id = await solvedTicket(h);
    const { token } = await (await h.call(customerA, "GET", `/v1/tickets/${id}/survey`)).json();
    equal((await survey(h, token, { rating: 4 })).status, 200);
    const nc = await connect({ servers: h.natsUrl });
    const reports = await startReportsService(loadReportsConfig({}), {
      nc,
      sql: h.sql,
      verify: h.verify,
      ticketStream: h.config.stream.name,
      log: createLogger("error", { service: "reports-test" }),
      leaseRetryMs: 200,
    });
    try {
      await reports.caughtUp();
      const response = await getReport(
        reports,
        await h.token(supervisorA),
        "/v1/reports/csat?interval=month",
      );
      const { rows } = await response.json();
      deepEqual(rows.at(-1), {
        period: rows.at(-1).period,
        csat_responses: 1,
        csat_average: 4,
        csat_good_percent: 100,
      });
    } finally {
      await reports.stop();
      await nc.drain();
    }
  });
});
