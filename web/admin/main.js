/**
 * The admin pages' entry: sign in (back to `/admin/callback`), refuse anyone but an admin, then
 * the sections (agents, users, rules, SLA, statuses, macros, keys, audit, reports) as tabs on
 * one page, so the in-memory token survives moving between them.
 * @module
 */
import { apiClient } from "../shared/api.js";
import { beginSignIn } from "../shared/auth.js";
import { byId } from "../shared/dom.js";
import { addMessages, t } from "../shared/i18n.js";
import { pageLanguage } from "../shared/page_language.js";
import { pageSession } from "../shared/session.js";
import en from "./messages/en.js";
import zh from "./messages/zh.js";
import { agentsPanel } from "./agents.js";
import { auditPanel } from "./audit.js";
import { keysPanel } from "./keys.js";
import { macrosPanel } from "./macros.js";
import { reportsPanel } from "./reports.js";
import reportsMessages from "./reports_messages.js";
import { rulesPanel } from "./rules.js";
import { slaPanel } from "./sla.js";
import { statusesPanel } from "./statuses.js";
import { tabs } from "./tabs.js";
import { usersPanel } from "./users.js";

const CLIENT_ID = "console";
const CALLBACK = "/admin/callback";

addMessages({ en, zh });
addMessages(reportsMessages);
const session = pageSession(CLIENT_ID, CALLBACK);

function boot() {
  const language = pageLanguage();
  byId("signin-button").addEventListener("click", () => beginSignIn(CLIENT_ID, CALLBACK));
  session.complete().then((signedIn) => {
    if (signedIn) start(language);
    else byId("signin").hidden = false;
  }).catch((error) => {
    byId("signin").hidden = false;
    byId("signin-error").textContent = t("signin.failed", { code: error.message });
  });
}

/** @param {HTMLSelectElement} language */
function start(language) {
  const me = session.me();
  byId("signout").hidden = false;
  byId("signout").addEventListener("click", async () => {
    await session.end();
    location.assign("/admin/");
  });
  if (me.role !== "admin") {
    byId("refused").hidden = false;
    byId("refused-text").textContent = t("admin.refused.text", { role: me.role });
    return;
  }
  const api = apiClient(session.token);
  const shown = tabs(byId("tabs"), {
    agents: agentsPanel(api, byId("tab-agents")),
    users: usersPanel(api, byId("tab-users")),
    rules: rulesPanel(api, byId("tab-rules")),
    sla: slaPanel(api, byId("tab-sla")),
    statuses: statusesPanel(api, byId("tab-statuses")),
    macros: macrosPanel(api, byId("tab-macros")),
    keys: keysPanel(api, byId("tab-keys")),
    audit: auditPanel(api, byId("tab-audit")),
    reports: reportsPanel(api, byId("tab-reports")),
  });
  language.addEventListener("change", () => shown.redraw());
}

boot();
