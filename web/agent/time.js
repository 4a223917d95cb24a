/**
 * Time tracking in the open ticket: log minutes with an optional note, take some back (a
 * correction is a negative entry; the server refuses taking back more than one's own total
 * there), and the ticket's entries and totals per agent (`GET /v1/tickets/:id/time`, asked
 * once per draw at the drawn ticket's version, so a just-logged entry is in it).
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { personName } from "./people.js";

/**
 * @typedef {{ id: string, agentId: string, seconds: number, note: string | null,
 *   createdAt: string }} TimeEntry
 * @typedef {{ totalSeconds: number, byAgent: { agentId: string, seconds: number }[],
 *   entries: TimeEntry[] }} TicketTime
 * @typedef {{ minutes: string, note: string }} TimeDraft
 * @typedef {{ read(): Promise<TicketTime>,
 *   log(minutes: number, note: string | null): Promise<boolean>, draft: TimeDraft }} TimeActions
 */

/**
 * What is typed into each ticket's time form: a pushed change draws the ticket again, and
 * should not wipe half-typed minutes.
 * @type {Map<string, TimeDraft>}
 */
const drafts = new Map();

/**
 * `seconds` as hours and minutes in the page's language ("-10 min" for a correction).
 * @param {number} seconds
 */
export function durationText(seconds) {
  const sign = seconds < 0 ? "-" : "";
  const abs = Math.abs(seconds);
  if (abs < 60) return sign + t("time.seconds", { seconds: abs });
  const minutes = Math.round(abs / 60);
  const hours = Math.floor(minutes / 60);
  return sign +
    (hours
      ? t("time.hoursMinutes", { hours, minutes: minutes % 60 })
      : t("time.minutes", { minutes }));
}

/**
 * The time actions of the drawn `ticket`: its time read at its version, and an entry logged
 * through `change` (which draws the ticket again once it went through).
 * @param {import("../shared/api.js").Api} api
 * @param {Record<string, any>} ticket its `id` and `version`
 * @param {(done: Promise<any>) => Promise<boolean>} change
 * @returns {TimeActions}
 */
export function ticketTime(api, ticket, change) {
  const path = `/tickets/v1/tickets/${ticket.id}/time`;
  const draft = drafts.get(ticket.id) ?? { minutes: "", note: "" };
  drafts.set(ticket.id, draft);
  return {
    read: () => api.get(`${path}?min_version=${ticket.version}`),
    // The draft goes before the send, so the drawing after a success starts empty; a refusal
    // draws nothing again and puts it back.
    log: async (minutes, note) => {
      drafts.delete(ticket.id);
      const done = await change(api.send("POST", path, note ? { minutes, note } : { minutes }));
      if (!done) drafts.set(ticket.id, draft);
      return done;
    },
    draft,
  };
}

/** @param {TimeActions} actions */
export function timeElement(actions) {
  const body = h("div", { id: "time-body" }, h("p", { class: "hint" }, t("time.loading")));
  actions.read().then(
    (time) => body.replaceChildren(totalsElement(time), entriesElement(time.entries)),
    () => body.replaceChildren(h("p", { class: "hint" }, t("time.unavailable"))),
  );
  return h(
    "section",
    { class: "time", "aria-labelledby": "time-title" },
    h("h3", { id: "time-title" }, t("time.title")),
    formElement(actions),
    body,
  );
}

/** @param {TimeActions} actions */
function formElement(actions) {
  const minutes = /** @type {HTMLInputElement} */ (h("input", {
    id: "time-minutes",
    type: "number",
    min: "1",
    step: "1",
    required: true,
    value: actions.draft.minutes,
  }));
  const note = /** @type {HTMLInputElement} */ (h("input", {
    id: "time-note",
    maxlength: "2000",
    value: actions.draft.note,
  }));
  minutes.addEventListener("input", () => (actions.draft.minutes = minutes.value));
  note.addEventListener("input", () => (actions.draft.note = note.value));
  const log = h("button", { type: "submit", id: "time-log" }, t("time.log"));
  const takeBack = h("button", { type: "button", id: "time-correct" }, t("time.correct"));
  const form = /** @type {HTMLFormElement} */ (h(
    "form",
    { class: "time-form", "aria-label": t("time.form") },
    h("label", {}, t("time.minutesLabel"), minutes),
    h("label", {}, t("time.noteLabel"), note),
    log,
    takeBack,
  ));
  // Disabled while the entry is on its way, so a double-click logs it once.
  const send = async (/** @type {number} */ sign) => {
    if (!form.reportValidity()) return;
    for (const b of [log, takeBack]) b.setAttribute("disabled", "");
    await actions.log(sign * Number(minutes.value), note.value.trim() || null);
    for (const b of [log, takeBack]) b.removeAttribute("disabled");
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    send(1);
  });
  takeBack.addEventListener("click", () => send(-1));
  return form;
}

/** @param {TicketTime} time */
function totalsElement(time) {
  return h(
    "div",
    {},
    h("p", { id: "time-total" }, t("time.total", { total: durationText(time.totalSeconds) })),
    h(
      "ul",
      { id: "time-by-agent", "aria-label": t("time.byAgent") },
      ...time.byAgent.map((a) =>
        h("li", { "data-agent": a.agentId }, `${personName(a.agentId)}: ${durationText(a.seconds)}`)
      ),
    ),
  );
}

/** @param {TimeEntry[]} entries */
function entriesElement(entries) {
  if (entries.length === 0) return h("p", { class: "hint" }, t("time.none"));
  return h(
    "ul",
    { id: "time-entries", "aria-label": t("time.entries") },
    ...entries.map((e) =>
      h(
        "li",
        { "data-entry": e.id },
        h("time", { datetime: e.createdAt }, formatTime(e.createdAt, language())),
        ` · ${personName(e.agentId)} · ${durationText(e.seconds)}`,
        e.note === null ? null : ` · ${e.note}`,
      )
    ),
  );
}
