/**
 * Audit search (`/v1/audit/entries`): filters by actor, ticket, action and a time range (typed
 * in the viewer's zone, sent as UTC), pages by cursor, and the same filters as CSV, fetched with
 * the token and offered as a download.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { field, form, heading, textInput, valueOf } from "./panel.js";

const BASE = "/audit/v1/audit";

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function auditPanel(api, root) {
  let results = h("div");
  let download = h("a");

  /** Drawn afresh (in the current language); a search starts again from the filters. */
  function show() {
    URL.revokeObjectURL(download.getAttribute("href") ?? "");
    results = h("div", { class: "audit-results", "aria-live": "polite" });
    download = h("a", { class: "csv", hidden: true }, t("admin.audit.csvReady"));
    replaceChildren(root, heading("audit"), filters(), download, results);
    return Promise.resolve();
  }

  function filters() {
    const csv = h("button", { type: "button" }, t("admin.audit.csv"));
    const element = form(
      "admin.audit.search",
      async (element) => {
        replaceChildren(results);
        await page(queryOf(element));
      },
      field("admin.audit.actor", textInput("actor")),
      field("admin.audit.ticket", textInput("ticket")),
      field("admin.audit.action", textInput("action", { placeholder: "routing.rule.saved" })),
      field("admin.audit.from", textInput("from", { type: "datetime-local" })),
      field("admin.audit.to", textInput("to", { type: "datetime-local" })),
      h("button", { type: "submit", class: "primary" }, t("admin.audit.search")),
      csv,
    );
    csv.addEventListener("click", async () => {
      const blob = await api.blob(`${BASE}/entries.csv?${queryOf(element)}`);
      URL.revokeObjectURL(download.getAttribute("href") ?? "");
      download.setAttribute("href", URL.createObjectURL(blob));
      download.setAttribute("download", "audit.csv");
      download.hidden = false;
    });
    return element;
  }

  /** @param {URLSearchParams} query */
  async function page(query) {
    const answer = await api.get(`${BASE}/entries?${query}`);
    results.querySelector(".more")?.remove();
    const table = results.querySelector("tbody") ?? newTable();
    table.append(...answer.entries.map(entryRow));
    if (!answer.entries.length && !table.children.length) {
      results.append(h("p", { class: "hint" }, t("admin.audit.none")));
    }
    if (answer.nextCursor) {
      const more = h("button", { type: "button", class: "more" }, t("admin.audit.more"));
      const next = new URLSearchParams(query);
      next.set("cursor", answer.nextCursor);
      more.addEventListener("click", () => page(next));
      results.append(more);
    }
  }

  function newTable() {
    const head = ["at", "actor", "action", "target", "outcome"]
      .map((key) => h("th", { scope: "col" }, t(`admin.audit.${key}`)));
    const body = h("tbody");
    results.append(h(
      "table",
      { class: "admin-table" },
      h("caption", {}, t("admin.audit.caption")),
      h("thead", {}, h("tr", {}, ...head)),
      body,
    ));
    return body;
  }

  return { show };
}

/** @param {AuditEntry} entry */
function entryRow(entry) {
  return h(
    "tr",
    { "data-action": entry.action },
    h("td", {}, h("time", { datetime: entry.at }, formatTime(entry.at, language()))),
    h("td", {}, `${entry.actor.id} (${entry.actor.role})`),
    h("td", {}, entry.action),
    h("td", {}, `${entry.target.type} ${entry.target.id}`),
    h("td", {}, entry.outcome ?? ""),
  );
}

/** The filled filters; local times become UTC. @param {HTMLFormElement} element */
function queryOf(element) {
  const query = new URLSearchParams();
  for (const name of ["actor", "ticket", "action"]) {
    const value = valueOf(element, name);
    if (value) query.set(name, value);
  }
  for (const name of ["from", "to"]) {
    const value = valueOf(element, name);
    if (value) query.set(name, new Date(value).toISOString());
  }
  return query;
}

/**
 * @typedef {{ at: string, action: string, actor: { id: string, role: string },
 *   target: { type: string, id: string }, outcome?: string }} AuditEntry
 */
