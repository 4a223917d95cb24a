/**
 * The CSAT survey invitation in a solved notice (docs/csat.md): a line with the signed link to
 * the console's survey page, when the tenant's sender names the console's origin (`surveyUrl`).
 * The link expires `days` after the solve, so a retried or duplicated mail says the same.
 * @module
 */
import { surveyLink, type SurveyTokens } from "@ticketd/shared/csat/survey_token.ts";
import type { TicketCommit } from "@ticketd/shared/events/tickets.ts";
import type { Language } from "./language.ts";

export interface SurveyInvites {
  tokens: SurveyTokens;
  /** `TICKETD_CSAT_SURVEY_DAYS`. */
  days: number;
}

const INVITES: Record<Language, string> = {
  en: "How did we do? Rate our answer: {url}",
  zh: "您对我们的答复满意吗？请在此评价：{url}",
};

/** The `{{survey}}` value of a solved notice (`""`: no invitation). */
export function surveyInvite(
  invites: SurveyInvites | undefined,
  surveyUrl: string | undefined,
  language: Language,
  history: readonly TicketCommit[],
  solvedAt: string,
): string {
  const created = history[0]?.events.find((e) => e.type === "TicketCreated");
  if (!invites || !surveyUrl || created?.type !== "TicketCreated") return "";
  const token = invites.tokens.issue({
    tenant: history[0].meta.tenant,
    ticketId: created.data.ticketId,
    requesterId: created.data.requesterId,
    expiresAt: Math.floor(Date.parse(solvedAt) / 1000) + invites.days * 86_400,
  });
  return `\n\n${INVITES[language].replace("{url}", surveyLink(token, surveyUrl))}`;
}
