/**
 * Statuses (`/tickets/v1/statuses`): the tenant's custom statuses, each inside a built-in
 * category, with English and Chinese names. Create one; rename a live one (its id and category
 * never change); retire one (tickets holding it keep it until their next change, so retired
 * ones stay listed).
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { CATEGORIES } from "../agent/statuses.js";
import { failureText, field, form, heading, textInput, valueOf } from "./panel.js";

const BASE = "/tickets/v1/statuses";

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function statusesPanel(api, root) {
  async function show() {
    const { statuses } = await api.get(BASE);
    replaceChildren(root, heading("statuses"), createForm(), statusTable(statuses));
  }

  function createForm() {
    const category = h(
      "select",
      { name: "category" },
      ...CATEGORIES.map((c) => h("option", { value: c }, t(`status.${c}`))),
    );
    return form(
      "admin.statuses.create",
      async (element) => {
        await api.send("POST", BASE, {
          category: valueOf(element, "category"),
          names: namesOf(element),
        });
        await show();
      },
      h("h3", {}, t("admin.statuses.create")),
      field("admin.statuses.category", category),
      field("admin.statuses.nameEn", textInput("en", { required: true, maxlength: "64" })),
      field("admin.statuses.nameZh", textInput("zh", { maxlength: "64" })),
      h("button", { type: "submit", class: "primary" }, t("admin.statuses.add")),
    );
  }

  /** @param {import("../agent/statuses.js").CustomStatus[]} statuses */
  function statusTable(statuses) {
    if (statuses.length === 0) return h("p", { class: "hint" }, t("admin.statuses.none"));
    return h(
      "table",
      { class: "admin-table", id: "status-table" },
      h("caption", {}, t("admin.statuses.caption")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["category", "names", "state", "actions"].map((c) =>
            h("th", { scope: "col" }, t(`admin.statuses.col.${c}`))
          ),
        ),
      ),
      h("tbody", {}, ...statuses.map(statusRow)),
    );
  }

  /** @param {import("../agent/statuses.js").CustomStatus} status */
  function statusRow(status) {
    const state = t(status.retired ? "admin.statuses.retired" : "admin.statuses.live");
    const label = (/** @type {string} */ key) => ({
      "aria-label": t(key, { name: status.names.en }),
    });
    const rename = form(
      "admin.statuses.rename",
      async (element) => {
        await api.send("PATCH", `${BASE}/${status.id}`, { names: namesOf(element) });
        await show();
      },
      textInput("en", {
        required: true,
        maxlength: "64",
        value: status.names.en,
        ...label("admin.statuses.nameEnOf"),
      }),
      textInput("zh", {
        maxlength: "64",
        value: status.names.zh ?? "",
        ...label("admin.statuses.nameZhOf"),
      }),
      h("button", { type: "submit", ...label("admin.statuses.renameOf") }, t("admin.save")),
    );
    const problem = h("span", { class: "error", role: "alert" });
    const retire = h(
      "button",
      { type: "button", ...label("admin.statuses.retireOf") },
      t("admin.statuses.retire"),
    );
    retire.addEventListener(
      "click",
      () =>
        api.send("POST", `${BASE}/${status.id}/retire`, undefined).then(show).catch((error) => {
          problem.textContent = failureText(error);
        }),
    );
    return h(
      "tr",
      { "data-status": status.id },
      h("td", {}, t(`status.${status.category}`)),
      h(
        "td",
        {},
        status.retired
          ? `${status.names.en}${status.names.zh ? ` / ${status.names.zh}` : ""}`
          : rename,
      ),
      h("td", {}, state),
      h("td", {}, status.retired ? null : retire, problem),
    );
  }

  return { show };
}

/**
 * The form's English and (when given) Chinese names.
 * @param {HTMLFormElement} element
 */
function namesOf(element) {
  const zh = valueOf(element, "zh");
  return { en: valueOf(element, "en"), ...(zh ? { zh } : {}) };
}
