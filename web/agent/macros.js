/**
 * The macro picker of the open ticket: the tenant's macros and the agent's own, one button
 * each; one click applies the macro (its reply, status, tags, priority and assignment as one
 * change, `POST /v1/tickets/:id/macros/:macroId/apply`). The list is asked for once per draw.
 * @module
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/**
 * @typedef {{ id: string, name: string, scope: "tenant" | "personal" }} MacroSummary
 * @typedef {{ list(): Promise<MacroSummary[]>, apply(macroId: string): void }} MacroActions
 */

/** @param {MacroActions} actions */
export function macroPickerElement(actions) {
  const body = h("p", { class: "hint" }, t("macros.loading"));
  actions.list().then((macros) => {
    if (macros.length === 0) return body.replaceWith(h("p", { class: "hint" }, t("macros.none")));
    body.replaceWith(h("ul", { id: "macro-list" }, ...macros.map((m) => macroItem(m, actions))));
  }, () => body.replaceWith(h("p", { class: "hint" }, t("macros.unavailable"))));
  return h(
    "section",
    { "aria-labelledby": "macros-title" },
    h("h3", { id: "macros-title" }, t("macros.title")),
    body,
  );
}

/**
 * @param {MacroSummary} macro
 * @param {MacroActions} actions
 */
function macroItem(macro, actions) {
  const button = /** @type {HTMLButtonElement} */ (h(
    "button",
    { type: "button", "data-macro": macro.id, title: t("macros.apply", { name: macro.name }) },
    macro.name,
  ));
  button.addEventListener("click", () => {
    button.disabled = true; // one click, one commit: the view is drawn again afterwards
    actions.apply(macro.id);
  });
  const mine = macro.scope === "personal"
    ? h("span", { class: "hint" }, ` ${t("macros.mine")}`)
    : null;
  return h("li", {}, button, mine);
}
