/**
 * A rule's versions (`GET /v1/routing/rules/:id/history`), oldest first: what changed, who
 * changed it and when (in the viewer's zone).
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { failureText } from "./panel.js";

/**
 * A "History" button and the list it fills.
 * @param {import("../shared/api.js").Api} api
 * @param {string} ruleId
 */
export function ruleHistory(api, ruleId) {
  const list = h("ol", { class: "rule-history", "aria-live": "polite" });
  const button = h(
    "button",
    { type: "button", "aria-expanded": "false" },
    t("admin.rules.history"),
  );
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-expanded") === "true") {
      replaceChildren(list);
      button.setAttribute("aria-expanded", "false");
      return;
    }
    try {
      const { versions } = await api.get(`/routing/v1/routing/rules/${ruleId}/history`);
      replaceChildren(list, ...versions.map(versionItem));
      button.setAttribute("aria-expanded", "true");
    } catch (error) {
      replaceChildren(list, h("li", { class: "error" }, failureText(error)));
    }
  });
  return { button, list };
}

/** @param {{ version: number, change: string, actorId: string, changedAt: string }} version */
function versionItem(version) {
  return h(
    "li",
    { "data-version": String(version.version) },
    t("admin.rules.version", {
      version: version.version,
      change: t(`admin.rules.change.${version.change}`),
      actor: version.actorId,
    }),
    " ",
    h("time", { datetime: version.changedAt }, formatTime(version.changedAt, language())),
  );
}
