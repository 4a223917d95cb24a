/**
 * Routing rules (`/v1/routing/rules`): each rule's JSON in its own editor, saved with its
 * version (`If-Match`) and the server's refusal shown beside it; moved up or down (the whole
 * order, with the set's version); its history; a new rule; and the dry run below them.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { dryRunForm } from "./dry_run.js";
import { failureText, heading } from "./panel.js";
import { ruleHistory } from "./rule_history.js";

const BASE = "/routing/v1/routing/rules";
const NEW_RULE = {
  name: "",
  enabled: true,
  when: ["created"],
  conditions: [{ type: "keywords", any: ["crash"] }],
  actions: [{ type: "set_priority", priority: "high" }],
};

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function rulesPanel(api, root) {
  async function show() {
    const set = await api.get(BASE);
    const list = h(
      "ol",
      { class: "rules" },
      ...set.rules.map((/** @type {Rule} */ rule, /** @type {number} */ i) =>
        ruleEditor(rule, i, set)
      ),
    );
    replaceChildren(
      root,
      heading("rules"),
      list,
      editor(null, NEW_RULE, (body) => api.send("POST", BASE, body)),
      dryRunForm(api),
    );
  }

  /**
   * @param {Rule} rule
   * @param {number} index
   * @param {{ version: number, rules: Rule[] }} set
   */
  function ruleEditor(rule, index, set) {
    const { id, version, position: _p, createdAt: _c, updatedAt: _u, ...body } = rule;
    const save = (/** @type {unknown} */ edited) =>
      api.send("PUT", `${BASE}/${id}`, edited, { "if-match": `"${version}"` });
    const move = (/** @type {number} */ by) => {
      const ids = set.rules.map((r) => r.id);
      [ids[index], ids[index + by]] = [ids[index + by], ids[index]];
      return api.send("PUT", `${BASE}/order`, { ids }, { "if-match": `"${set.version}"` });
    };
    const item = editor(rule, body, save);
    const history = ruleHistory(api, id);
    item.querySelector(".rule-tools")?.append(
      action("admin.rules.up", index > 0, () => move(-1)),
      action("admin.rules.down", index < set.rules.length - 1, () => move(1)),
      action("admin.remove", true, () => api.send("DELETE", `${BASE}/${id}`, undefined)),
      history.button,
    );
    item.append(history.list);
    return item;
  }

  /**
   * A rule's editor: its JSON, Save, and the refusal's line.
   * @param {Rule | null} rule null: a new rule
   * @param {unknown} body
   * @param {(body: unknown) => Promise<unknown>} save
   */
  function editor(rule, body, save) {
    const title = rule ? rule.name : t("admin.rules.new");
    const area = h("textarea", {
      class: "rule-json",
      rows: "10",
      spellcheck: "false",
      "aria-label": t("admin.rules.json", { name: title }),
    });
    area.textContent = JSON.stringify(body, null, 2);
    const problem = h("p", { class: "error rule-problem", role: "alert" });
    const saveButton = h("button", { type: "button", class: "primary" }, t("admin.save"));
    saveButton.addEventListener("click", () =>
      attempt(problem, async () => {
        let edited;
        try {
          edited = JSON.parse(/** @type {HTMLTextAreaElement} */ (area).value);
        } catch {
          throw Object.assign(new Error(t("admin.rules.badJson")), { code: "malformed_json" });
        }
        await save(edited);
      }));
    return h(
      rule ? "li" : "section",
      { class: "rule", "data-rule": rule?.name ?? "" },
      h("h3", {}, title),
      area,
      h("div", { class: "rule-tools" }, saveButton),
      problem,
    );
  }

  /**
   * A button that runs `run`, then draws the list again (or shows why not).
   * @param {HTMLElement} problem
   * @param {() => Promise<unknown>} run
   */
  async function attempt(problem, run) {
    problem.textContent = "";
    try {
      await run();
      await show();
    } catch (error) {
      problem.textContent = failureText(error);
    }
  }

  /**
   * @param {string} key
   * @param {boolean} enabled
   * @param {() => Promise<unknown>} run
   */
  function action(key, enabled, run) {
    const button = h("button", { type: "button", disabled: !enabled }, t(key));
    button.addEventListener("click", (event) => {
      const item = /** @type {HTMLElement} */ (event.target).closest(".rule");
      attempt(/** @type {HTMLElement} */ (item?.querySelector(".rule-problem")), run);
    });
    return button;
  }

  return { show };
}

/**
 * @typedef {{ id: string, name: string, version: number, position: number, createdAt: string,
 *   updatedAt: string }} Rule
 */
