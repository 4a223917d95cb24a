import assert from "node:assert/strict";
import { surveyTokens } from "@ticketd/shared/csat/survey_token.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { renderMail } from "./templates.ts";
import { surveyInvite } from "./survey_invite.ts";
import { commitOf, created } from "./testing.ts";

const tokens = surveyTokens(new Uint8Array(32).fill(3), parseTenantProfiles("intl"));
const invites = { tokens, days: 14 };
const history = [commitOf([created()])];
const SOLVED_AT = "2026-03-29T10:00:00.000Z";

Deno.test("surveyInvite - a solved notice links the survey page with a token for the ticket, valid 14 days", () => {
  const line = surveyInvite(invites, "https://help.example", "en", history, SOLVED_AT);
  const url = /https:\/\/help\.example\/survey\/#(\S+)/.exec(line);
  assert.ok(url, line);
  const scope = tokens.verify(url[1], Date.parse(SOLVED_AT));
  const data = history[0].events[0].data as { ticketId: string; requesterId: string };
  assert.deepEqual(scope, {
    tenant: history[0].meta.tenant,
    ticketId: data.ticketId,
    requesterId: data.requesterId,
    expiresAt: Date.parse(SOLVED_AT) / 1000 + 14 * 86_400,
  });
  const mail = renderMail("solved", "zh", {
    number: "1",
    subject: "s",
    body: "",
    sender: "Acme",
    survey: surveyInvite(invites, "https://help.example", "zh", history, SOLVED_AT),
  });
  assert.match(mail.text, /请在此评价：https:\/\/help\.example\/survey\/#/);
  assert.match(mail.html, /请在此评价：https:\/\/help\.example\/survey\/#/);
});

Deno.test("surveyInvite - no survey URL for the tenant (or no signer): no invitation", () => {
  assert.equal(surveyInvite(invites, undefined, "en", history, SOLVED_AT), "");
  assert.equal(surveyInvite(undefined, "https://help.example", "en", history, SOLVED_AT), "");
});
