/**
 * Macros (`/tickets/v1/macros`): the tenant's macros (agents' own ones are theirs, made in the
 * workspace's API). Create one, edit one (the whole macro again, `PUT`), delete one. The
 * placeholders the text may use are listed; the server checks them at save, and its 422
 * `unknown_placeholder` is shown beside the form, naming the placeholder. What the page does
 * not edit (an assignment) is kept as the macro has it.
 * @module
 */
import { ApiError } from "../shared/api.js";
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { CATEGORIES, customStatusName } from "../agent/statuses.js";
import { commaList, failureText, field, form, heading, textInput, valueOf } from "./panel.js";

const BASE = "/tickets/v1/macros";
const PRIORITIES = ["low", "normal", "high", "urgent"];
/** The tickets service's placeholders (`services/tickets/domain/macros.ts`, PLACEHOLDERS). */
const PLACEHOLDERS = [
  "ticket.number",
  "ticket.status",
  "ticket.priority",
  "requester.id",
  "agent.id",
];
const CUSTOM = "custom:";

/**
 * @typedef {{ id?: string, name: string, scope?: string,
 *   text: { body: string, internal: boolean } | null, status: string | null,
 *   customStatusId: string | null, priority: string | null,
 *   tags: { add: string[], remove: string[] }, assignment: unknown }} Macro
 */

/** @type {Macro} */
const EMPTY = {
  name: "",
  text: null,
  status: null,
  customStatusId: null,
  priority: null,
  tags: { add: [], remove: [] },
  assignment: null,
};

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function macrosPanel(api, root) {
  async function show() {
    const [{ macros }, { statuses }] = await Promise.all([
      api.get(BASE),
      api.get("/tickets/v1/statuses"),
    ]);
    const tenant = macros.filter((/** @type {Macro} */ m) => m.scope === "tenant");
    replaceChildren(
      root,
      heading("macros"),
      placeholdersElement(),
      macroForm(EMPTY, statuses),
      h("h3", {}, t("admin.macros.list")),
      tenant.length
        ? h(
          "ul",
          { id: "macro-editors", class: "editors" },
          ...tenant.map((/** @type {Macro} */ m) => h("li", {}, macroForm(m, statuses))),
        )
        : h("p", { class: "hint" }, t("admin.macros.none")),
    );
  }

  /**
   * A new macro's form (`macro` is EMPTY) or an existing one's editor.
   * @param {Macro} macro
   * @param {import("../agent/statuses.js").CustomStatus[]} statuses
   */
  function macroForm(macro, statuses) {
    const id = macro.id;
    const body = h("textarea", { name: "body", rows: "4", maxlength: "20000" });
    body.textContent = macro.text?.body ?? "";
    const children = [
      h("h4", {}, id ? macro.name : t("admin.macros.create")),
      field("admin.macros.name", textInput("name", { required: true, value: macro.name })),
      field("admin.macros.body", body),
      field(
        "admin.macros.internal",
        textInput("internal", { type: "checkbox", checked: Boolean(macro.text?.internal) }),
      ),
      field("admin.macros.status", statusSelect(macro, statuses)),
      field("admin.macros.priority", prioritySelect(macro)),
      field("admin.macros.tagsAdd", textInput("add", { value: macro.tags.add.join(", ") })),
      field(
        "admin.macros.tagsRemove",
        textInput("remove", { value: macro.tags.remove.join(", ") }),
      ),
      h("button", { type: "submit", class: "primary" }, t(id ? "admin.save" : "admin.add")),
    ];
    const element = form(id ? "admin.macros.edit" : "admin.macros.create", async (element) => {
      body.removeAttribute("aria-invalid");
      const saved = { ...macroOf(element), assignment: macro.assignment };
      await (id
        ? api.send("PUT", `${BASE}/${id}`, saved)
        : api.send("POST", BASE, { ...saved, scope: "tenant" }))
        .catch((/** @type {unknown} */ error) => {
          if (!(error instanceof ApiError) || error.code !== "unknown_placeholder") throw error;
          body.setAttribute("aria-invalid", "true");
          const [, placeholder = ""] = /\{\{([^{}]*)\}\}/.exec(error.message) ?? [];
          throw new ApiError(
            error.status,
            error.code,
            t("admin.macros.unknownPlaceholder", { placeholder }),
          );
        });
      await show();
    }, ...children);
    if (id) {
      element.dataset.macro = id;
      const remove = h("button", { type: "button" }, t("admin.remove"));
      remove.addEventListener("click", () => {
        api.send("DELETE", `${BASE}/${id}`, undefined).then(show).catch((error) => {
          const problem = /** @type {HTMLElement} */ (element.querySelector("[role=alert]"));
          problem.textContent = failureText(error);
        });
      });
      element.append(remove);
    }
    return element;
  }

  return { show };
}

/** The placeholders and what each is filled with. */
function placeholdersElement() {
  return h(
    "section",
    { "aria-labelledby": "placeholders-title" },
    h("h3", { id: "placeholders-title" }, t("admin.macros.placeholders")),
    h(
      "ul",
      { id: "macro-placeholders" },
      ...PLACEHOLDERS.map((name) =>
        h("li", {}, h("code", {}, `{{${name}}}`), ` ${t(`admin.macros.placeholder.${name}`)}`)
      ),
    ),
  );
}

/**
 * No status, a built-in one, or one of the live custom ones (grouped under its category).
 * @param {Macro} macro
 * @param {import("../agent/statuses.js").CustomStatus[]} statuses
 */
function statusSelect(macro, statuses) {
  const current = macro.customStatusId ? CUSTOM + macro.customStatusId : macro.status ?? "";
  const select = /** @type {HTMLSelectElement} */ (h(
    "select",
    { name: "status" },
    h("option", { value: "" }, t("admin.macros.unchanged")),
    ...CATEGORIES.map((category) =>
      h(
        "optgroup",
        { label: t(`status.${category}`) },
        h("option", { value: category }, t(`status.${category}`)),
        ...statuses.filter((s) =>
          s.category === category && (!s.retired || CUSTOM + s.id === current)
        ).map((s) => h("option", { value: CUSTOM + s.id }, customStatusName(s))),
      )
    ),
  ));
  select.value = current;
  return select;
}

/** @param {Macro} macro */
function prioritySelect(macro) {
  const select = /** @type {HTMLSelectElement} */ (h(
    "select",
    { name: "priority" },
    h("option", { value: "" }, t("admin.macros.unchanged")),
    ...PRIORITIES.map((p) => h("option", { value: p }, t(`priority.${p}`))),
  ));
  select.value = macro.priority ?? "";
  return select;
}

/**
 * The form as a macro (without an assignment).
 * @param {HTMLFormElement} element
 */
function macroOf(element) {
  const body = valueOf(element, "body");
  const internal = /** @type {HTMLInputElement} */ (element.elements.namedItem("internal"));
  const status = valueOf(element, "status");
  const custom = status.startsWith(CUSTOM);
  return {
    name: valueOf(element, "name"),
    text: body ? { body, internal: internal.checked } : null,
    status: status && !custom ? status : null,
    customStatusId: custom ? status.slice(CUSTOM.length) : null,
    priority: valueOf(element, "priority") || null,
    tags: {
      add: commaList(valueOf(element, "add")),
      remove: commaList(valueOf(element, "remove")),
    },
  };
}
