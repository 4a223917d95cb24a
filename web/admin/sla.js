/**
 * SLA (`/v1/routing/sla/...`): targets per priority (business minutes to first response and to
 * resolution, and when to warn; an empty row is no target), and the business calendar as JSON.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { form, heading, textInput, valueOf } from "./panel.js";

const BASE = "/routing/v1/routing/sla";
const PRIORITIES = ["urgent", "high", "normal", "low"];
const TARGETS = ["firstResponseMinutes", "resolutionMinutes", "warnAtPercent"];

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function slaPanel(api, root) {
  async function show() {
    const [{ policies }, { calendar, isDefault }] = await Promise.all([
      api.get(`${BASE}/policies`),
      api.get(`${BASE}/calendar`),
    ]);
    replaceChildren(
      root,
      heading("sla"),
      policiesForm(policies),
      calendarForm(calendar, isDefault),
    );
  }

  /** @param {Record<string, Record<string, number>>} policies */
  function policiesForm(policies) {
    const cell = (/** @type {string} */ priority, /** @type {string} */ target) =>
      h(
        "td",
        {},
        textInput(`${priority}.${target}`, {
          type: "number",
          min: "1",
          value: String(policies[priority]?.[target] ?? ""),
          "aria-label": t("admin.sla.cell", { priority, target: t(`admin.sla.${target}`) }),
        }),
      );
    const rows = PRIORITIES.map((priority) =>
      h("tr", {}, h("th", { scope: "row" }, priority), ...TARGETS.map((x) => cell(priority, x)))
    );
    return form(
      "admin.sla.policies",
      async (element) => {
        await api.send("PUT", `${BASE}/policies`, { policies: policiesOf(element) });
        await show();
      },
      h("h3", {}, t("admin.sla.policies")),
      h(
        "table",
        { class: "admin-table" },
        h("caption", {}, t("admin.sla.caption")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("admin.sla.priority")),
            ...TARGETS.map((x) => h("th", { scope: "col" }, t(`admin.sla.${x}`))),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
      h("button", { type: "submit", class: "primary" }, t("admin.save")),
    );
  }

  /** @param {HTMLFormElement} element */
  function policiesOf(element) {
    /** @type {Record<string, Record<string, number>>} */
    const policies = {};
    for (const priority of PRIORITIES) {
      const values = TARGETS.map((x) => valueOf(element, `${priority}.${x}`));
      if (values.every((v) => v === "")) continue;
      policies[priority] = Object.fromEntries(
        TARGETS.map((x, i) => [x, values[i]]).filter(([, v]) => v !== "")
          .map(([x, v]) => [x, Number(v)]),
      );
    }
    return policies;
  }

  /**
   * @param {unknown} calendar
   * @param {boolean} isDefault
   */
  function calendarForm(calendar, isDefault) {
    const area = h("textarea", { name: "calendar", rows: "8", spellcheck: "false" });
    area.textContent = JSON.stringify(calendar, null, 2);
    return form(
      "admin.sla.calendar",
      async (element) => {
        await api.send("PUT", `${BASE}/calendar`, JSON.parse(valueOf(element, "calendar")));
        await show();
      },
      h("h3", {}, t("admin.sla.calendar")),
      h("p", { class: "hint" }, t(isDefault ? "admin.sla.default" : "admin.sla.own")),
      h("label", { class: "field" }, h("span", {}, t("admin.sla.calendarJson")), area),
      h("button", { type: "submit", class: "primary" }, t("admin.save")),
    );
  }

  return { show };
}
