/**
 * Reports (`/v1/reports/<name>` of the reports service): a report, a range of the tenant's
 * local dates, days/weeks/months, a breakdown by agent or group and filters; the rows as a
 * table (column names as the API and the CSV give them), and the same as CSV, fetched with the
 * token and offered as a download.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { field, form, heading, textInput, valueOf } from "./panel.js";

const BASE = "/reports/v1/reports";
const REPORTS = ["volumes", "times", "sla", "csat", "time_tracked"];

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function reportsPanel(api, root) {
  let results = h("div");
  let download = h("a");

  /** Drawn afresh (in the current language). */
  function show() {
    URL.revokeObjectURL(download.getAttribute("href") ?? "");
    results = h("div", { class: "report-results", "aria-live": "polite" });
    download = h("a", { class: "csv", hidden: true }, t("admin.reports.csvReady"));
    replaceChildren(root, heading("reports"), filters(), download, results);
    return Promise.resolve();
  }

  function filters() {
    const csv = h("button", { type: "button" }, t("admin.reports.csv"));
    const element = form(
      "admin.reports.form",
      async (element) => {
        const { name, query } = queryOf(element);
        drawTable(name, await api.get(`${BASE}/${name}?${query}`));
      },
      field("admin.reports.name", choice("report", REPORTS, "admin.reports.name")),
      field("admin.reports.from", textInput("from", { type: "date" })),
      field("admin.reports.to", textInput("to", { type: "date" })),
      field("admin.reports.interval", choice("interval", ["day", "week", "month"])),
      field("admin.reports.by", choice("by", ["none", "agent", "group"])),
      field("admin.reports.agent", textInput("agent")),
      field("admin.reports.group", textInput("group")),
      h("button", { type: "submit", class: "primary" }, t("admin.reports.show")),
      csv,
    );
    csv.addEventListener("click", async () => {
      const { name, query } = queryOf(element);
      const blob = await api.blob(`${BASE}/${name}.csv?${query}`);
      URL.revokeObjectURL(download.getAttribute("href") ?? "");
      download.setAttribute("href", URL.createObjectURL(blob));
      download.setAttribute("download", `${name}.csv`);
      download.hidden = false;
    });
    return element;
  }

  /**
   * @param {string} name
   * @param {{ rows: Record<string, string | number | null>[], from: string, to: string,
   *   timeZone: string }} answer
   */
  function drawTable(name, answer) {
    if (answer.rows.length === 0) {
      return replaceChildren(results, h("p", { class: "hint" }, t("admin.reports.none")));
    }
    const columns = Object.keys(answer.rows[0]);
    const caption = t("admin.reports.caption", {
      report: t(`admin.reports.name.${name}`),
      from: answer.from,
      to: answer.to,
      zone: answer.timeZone,
    });
    replaceChildren(
      results,
      h(
        "table",
        { class: "admin-table", "data-report": name },
        h("caption", {}, caption),
        h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          {},
          ...answer.rows.map((row) =>
            h("tr", {}, ...columns.map((c) => h("td", {}, row[c] === null ? "" : String(row[c]))))
          ),
        ),
      ),
    );
  }

  return { show };
}

/**
 * A select of `options`, each labelled by `<prefix>.<option>` (default `admin.reports.<name>`).
 * @param {string} name
 * @param {string[]} options
 * @param {string} [prefix]
 */
function choice(name, options, prefix = `admin.reports.${name}`) {
  return h(
    "select",
    { name },
    ...options.map((option) => h("option", { value: option }, t(`${prefix}.${option}`))),
  );
}

/** The report's name and query from the filled form. @param {HTMLFormElement} element */
function queryOf(element) {
  const query = new URLSearchParams();
  for (const name of ["from", "to", "agent", "group"]) {
    const value = valueOf(element, name);
    if (value) query.set(name, value);
  }
  for (const name of ["interval", "by"]) query.set(name, valueOf(element, name));
  return { name: valueOf(element, "report"), query };
}
