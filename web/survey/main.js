/**
 * The satisfaction survey page (`/survey/#<token>`): no sign-in, the signed token in the URL's
 * fragment (never sent to a server or kept in its logs) names the ticket. It asks the tickets
 * service whether the survey is open, then sends the rating and the optional comment once.
 * @module
 */
import { byId } from "../shared/dom.js";
import { addMessages, t } from "../shared/i18n.js";
import { pageLanguage } from "../shared/page_language.js";
import messages from "./messages.js";

addMessages(messages);

/** What each refusal tells the customer. */
const REFUSALS = /** @type {Record<string, string>} */ ({
  survey_answered: "survey.answered",
  survey_not_open: "survey.closed",
  survey_expired: "survey.expired",
  survey_not_found: "survey.missing",
});

/** Why the survey is not open (`closedBecause`), as the page says it. */
const CLOSED = /** @type {Record<string, string>} */ ({
  answered: "survey.answered",
  merged: "survey.merged",
  not_solved: "survey.closed",
});

/** @param {string} key @param {Record<string, string | number>} [values] */
function say(key, values) {
  const status = byId("survey-status");
  status.dataset.key = key;
  status.textContent = t(key, values);
}

/** @param {Response} response */
async function refusal(response) {
  const problem = await response.json().catch(() => ({}));
  return REFUSALS[problem.code] ?? "survey.missing";
}

/** @param {string} token */
async function open(token) {
  const url = `/api/tickets/v1/surveys/${encodeURIComponent(token)}`;
  const response = await fetch(url);
  if (!response.ok) return say(await refusal(response));
  const survey = await response.json();
  byId("survey-about").textContent = t("survey.about", { number: survey.ticketNumber });
  if (!survey.open) return say(CLOSED[survey.closedBecause] ?? "survey.closed");
  const form = /** @type {HTMLFormElement} */ (byId("survey-form"));
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = /** @type {HTMLInputElement | null} */ (
      form.querySelector("input[name=rating]:checked")
    );
    if (!chosen) return;
    const comment = /** @type {HTMLTextAreaElement} */ (byId("survey-comment")).value.trim();
    /** @type {HTMLButtonElement} */ (byId("survey-send")).disabled = true;
    const sent = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rating: Number(chosen.value), ...(comment ? { comment } : {}) }),
    });
    form.hidden = true;
    say(sent.ok ? "survey.thanks" : await refusal(sent));
  });
}

function boot() {
  const language = pageLanguage();
  language.addEventListener("change", () => {
    const key = byId("survey-status").dataset.key;
    if (key) say(key);
  });
  const token = location.hash.slice(1);
  if (!token) return say("survey.missing");
  open(token).catch(() => say("survey.missing"));
}

boot();
