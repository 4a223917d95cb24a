/**
 * The rules' dry run (`POST /v1/routing/rules/dry-run`): a stored ticket by id, or a made-up
 * one from a subject, body and tags; the answer lists each rule, whether it fired and why, and
 * the merged actions.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { commaList, field, form, textInput, valueOf } from "./panel.js";

const TRIGGERS = ["created", "updated", "sla_warning", "sla_breached"];

/** @param {import("../shared/api.js").Api} api */
export function dryRunForm(api) {
  const result = h("div", { class: "dry-run-result", "aria-live": "polite" });
  const trigger = h(
    "select",
    { name: "trigger" },
    ...TRIGGERS.map((v) => h("option", { value: v }, t(`admin.dryrun.trigger.${v}`))),
  );
  const body = h("textarea", { name: "body", rows: "3" });
  const element = form(
    "admin.dryrun.title",
    async (element) => {
      replaceChildren(result); // a failed run must not leave the previous run's answer
      const ticketId = valueOf(element, "ticketId");
      const draft = {
        subject: valueOf(element, "subject"),
        body: valueOf(element, "body"),
        tags: commaList(valueOf(element, "tags")),
      };
      const answer = await api.send("POST", "/routing/v1/routing/rules/dry-run", {
        ...(ticketId ? { ticketId } : { ticket: draft }),
        trigger: valueOf(element, "trigger"),
      });
      replaceChildren(result, evaluation(answer));
    },
    h("h3", {}, t("admin.dryrun.title")),
    h("p", { class: "hint" }, t("admin.dryrun.hint")),
    field("admin.dryrun.ticketId", textInput("ticketId", { maxlength: "32" })),
    field("admin.dryrun.subject", textInput("subject")),
    field("admin.dryrun.body", body),
    field("admin.dryrun.tags", textInput("tags")),
    field("admin.dryrun.trigger", trigger),
    h("button", { type: "submit", class: "primary" }, t("admin.dryrun.run")),
  );
  return h("section", { class: "dry-run" }, element, result);
}

/**
 * @param {{ rules: { ruleId: string, name: string, fired: boolean, reason: string }[],
 *   actions: unknown }} answer
 */
function evaluation(answer) {
  const rows = answer.rules.map((rule) =>
    h(
      "tr",
      { "data-fired": String(rule.fired) },
      h("td", {}, rule.name),
      h("td", {}, t(rule.fired ? "admin.dryrun.fired" : "admin.dryrun.skipped")),
      h("td", {}, rule.reason),
    )
  );
  const head = ["rule", "outcome", "why"].map((key) =>
    h("th", { scope: "col" }, t(`admin.dryrun.${key}`))
  );
  return h(
    "div",
    {},
    h(
      "table",
      { class: "admin-table" },
      h("caption", {}, t("admin.dryrun.caption")),
      h("thead", {}, h("tr", {}, ...head)),
      h("tbody", {}, ...rows),
    ),
    h("h4", {}, t("admin.dryrun.actions")),
    h("pre", { class: "json" }, JSON.stringify(answer.actions, null, 2)),
  );
}
