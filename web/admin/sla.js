/**
 * SLA (`/v1/routing/sla/...`): targets per priority (business minutes to first response and to
 * resolution, and when to warn; an empty row is no target, an empty warning is 80 %), and the
 * business calendar as JSON. A half-filled row is refused at its empty field, before sending.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { form, heading, textInput, valueOf } from "./panel.js";

const BASE = "/routing/v1/routing/sla";
const PRIORITIES = ["urgent", "high", "normal", "low"];
const TARGETS = ["firstResponseMinutes", "resolutionMinutes", "warnAtPercent"];
/** What routing assumes when a row leaves warnAtPercent empty. */
const DEFAULT_WARN_AT_PERCENT = "80";

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
    const cell = (/** @type {string} */ priority, /** @type {string} */ target) => {
      const input = textInput(`${priority}.${target}`, {
        type: "number",
        min: "1",
        // The server checks the range (1-99) and says so; empty is the default.
        ...(target === "warnAtPercent" ? { placeholder: DEFAULT_WARN_AT_PERCENT } : {}),
        value: String(policies[priority]?.[target] ?? ""),
        "aria-label": t("admin.sla.cell", {
          priority: t(`priority.${priority}`),
          target: t(`admin.sla.${target}`),
        }),
      });
      input.addEventListener("input", () => input.setCustomValidity(""));
      return h("td", {}, input);
    };
    const rows = PRIORITIES.map((priority) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t(`priority.${priority}`)),
        ...TARGETS.map((x) => cell(priority, x)),
      )
    );
    return form(
      "admin.sla.policies",
      async (element) => {
        const policies = policiesOf(element);
        if (!policies) return; // a field says what it needs
        await api.send("PUT", `${BASE}/policies`, { policies });
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

  /**
   * The rows as policies, or null after marking the first field a half-filled row lacks.
   * @param {HTMLFormElement} element
   */
  function policiesOf(element) {
    /** @type {Record<string, Record<string, number>>} */
    const policies = {};
    const input = (
      /** @type {string} */ name,
    ) => /** @type {HTMLInputElement} */ (element.elements.namedItem(name));
    for (const priority of PRIORITIES) {
      const values = TARGETS.map((x) => valueOf(element, `${priority}.${x}`));
      for (const x of TARGETS) input(`${priority}.${x}`).setCustomValidity("");
      if (values.every((v) => v === "")) continue;
      for (const x of TARGETS.slice(0, 2)) {
        if (valueOf(element, `${priority}.${x}`) !== "") continue;
        const missing = input(`${priority}.${x}`);
        missing.setCustomValidity(
          t("admin.sla.needed", { priority, target: t(`admin.sla.${x}`) }),
        );
        missing.reportValidity();
        return null;
      }
      policies[priority] = Object.fromEntries(
        TARGETS.map((x, i) => [x, Number(values[i] || DEFAULT_WARN_AT_PERCENT)]),
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
