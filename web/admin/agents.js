/**
 * Agents, their groups and skills: routing's profiles (`/v1/routing/agents`), each group and
 * skill with its number of agents, the profiles with their presence, added or replaced by id (the identity user id, offered from identity's users), and
 * removed.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { commaList, field, form, heading, moreButton, textInput, valueOf } from "./panel.js";

const BASE = "/routing/v1/routing/agents";
/** Profiles per page (routing's `limit`; `next` names the page after). */
const PAGE_SIZE = 100;

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function agentsPanel(api, root) {
  /** @type {{ agents: AgentProfile[], next: string | null, users: any[] }} */
  const listed = { agents: [], next: null, users: [] };

  async function show() {
    const [page, people] = await Promise.all([
      api.get(`${BASE}?limit=${PAGE_SIZE}`),
      api.get("/identity/users?limit=200"),
    ]);
    Object.assign(listed, { agents: page.agents, next: page.next, users: people.users });
    draw();
  }

  async function more() {
    const after = encodeURIComponent(listed.next ?? "");
    const page = await api.get(`${BASE}?limit=${PAGE_SIZE}&after=${after}`);
    Object.assign(listed, { agents: [...listed.agents, ...page.agents], next: page.next });
    draw();
  }

  function draw() {
    replaceChildren(
      root,
      heading("agents"),
      tally("groups", listed.agents),
      tally("skills", listed.agents),
      agentsTable(listed.agents),
      moreButton(listed.next, more),
      agentForm(),
      userIds(listed.users),
    );
  }

  /** @param {AgentProfile[]} agents */
  function agentsTable(agents) {
    const head = ["id", "name", "skills", "groups", "languages", "capacity", "active", "status"]
      .map((key) => h("th", { scope: "col" }, t(`admin.agents.${key}`)));
    const rows = agents.map((agent) =>
      h(
        "tr",
        { "data-agent": agent.agentId },
        h("td", {}, agent.agentId),
        h("td", {}, agent.displayName),
        h("td", {}, agent.skills.join(", ")),
        h("td", {}, agent.groups.join(", ")),
        h("td", {}, agent.languages.join(", ")),
        h("td", {}, String(agent.capacity)),
        h("td", {}, t(agent.active ? "admin.yes" : "admin.no")),
        h("td", {}, agent.status ?? ""),
        h("td", {}, removeButton(agent.agentId)),
      )
    );
    return h(
      "table",
      { class: "admin-table" },
      h("caption", {}, t("admin.agents.caption")),
      h("thead", {}, h("tr", {}, ...head, h("td"))),
      h("tbody", {}, ...rows),
    );
  }

  /** @param {string} id */
  function removeButton(id) {
    const label = t("admin.agents.removeOne", { id });
    const button = h("button", { type: "button", "aria-label": label }, t("admin.remove"));
    button.addEventListener("click", async () => {
      await api.send("DELETE", `${BASE}/${encodeURIComponent(id)}`, undefined);
      await show();
    });
    return button;
  }

  function agentForm() {
    return form(
      "admin.agents.save",
      async (element) => {
        const id = valueOf(element, "agentId");
        await api.send("PUT", `${BASE}/${encodeURIComponent(id)}`, {
          displayName: valueOf(element, "displayName"),
          skills: commaList(valueOf(element, "skills")),
          groups: commaList(valueOf(element, "groups")),
          languages: commaList(valueOf(element, "languages")),
          capacity: Number(valueOf(element, "capacity")),
          active: /** @type {HTMLInputElement} */ (element.elements.namedItem("active")).checked,
        });
        await show();
      },
      h("h3", {}, t("admin.agents.save")),
      field(
        "admin.agents.id",
        textInput("agentId", { required: true, maxlength: "128", list: "agent-user-ids" }),
      ),
      field("admin.agents.name", textInput("displayName", { required: true, maxlength: "200" })),
      field("admin.agents.skills", textInput("skills")),
      field("admin.agents.groups", textInput("groups")),
      field("admin.agents.languages", textInput("languages")),
      field(
        "admin.agents.capacity",
        textInput("capacity", { type: "number", min: "1", max: "10000", value: "5" }),
      ),
      field("admin.agents.active", textInput("active", { type: "checkbox", checked: true })),
      h("button", { type: "submit", class: "primary" }, t("admin.save")),
    );
  }

  return { show };
}

/**
 * Each group (or skill) with how many agents have it, so a gap shows at a glance.
 * @param {"groups" | "skills"} kind
 * @param {AgentProfile[]} agents
 */
function tally(kind, agents) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const agent of agents) {
    for (const name of agent[kind]) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  const items = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) =>
    h("li", { "data-name": name }, t("admin.agents.count", { name, n }))
  );
  return h(
    "section",
    { class: "tally", "aria-label": t(`admin.agents.${kind}`) },
    h("h3", {}, t(`admin.agents.tally.${kind}`)),
    items.length ? h("ul", {}, ...items) : h("p", { class: "hint" }, t("admin.agents.none")),
  );
}

/**
 * The users' ids offered while typing an agent's id (the profile's id is the user's).
 * @param {{ id: string, username: string, role: string }[]} users
 */
function userIds(users) {
  const staff = users.filter((user) => user.role === "agent" || user.role === "supervisor");
  return h(
    "datalist",
    { id: "agent-user-ids" },
    ...staff.map((user) => h("option", { value: user.id }, user.username)),
  );
}

/**
 * @typedef {{ agentId: string, displayName: string, skills: string[], groups: string[],
 *   languages: string[], capacity: number, active: boolean, status?: string }} AgentProfile
 */
