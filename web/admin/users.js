/**
 * Users: identity's users API (`/users`): listed (their ids are the agent ids routing uses),
 * and added with a role and groups. The password is sent once and never shown.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { language } from "../shared/i18n.js";
import { commaList, field, form, heading, textInput, valueOf } from "./panel.js";

const ROLES = ["agent", "supervisor", "admin", "auditor", "customer"];

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function usersPanel(api, root) {
  async function show() {
    const page = await api.get("/identity/users?limit=200");
    replaceChildren(root, heading("users"), usersTable(page.users), userForm());
  }

  /** @param {{ id: string, username: string, role: string, groups: string[], createdAt: string }[]} users */
  function usersTable(users) {
    const head = ["id", "username", "role", "groups", "created"]
      .map((key) => h("th", { scope: "col" }, t(`admin.users.${key}`)));
    const rows = users.map((user) =>
      h(
        "tr",
        { "data-user": user.username },
        h("td", {}, user.id),
        h("td", {}, user.username),
        h("td", {}, user.role),
        h("td", {}, (user.groups ?? []).join(", ")),
        h("td", {}, formatTime(user.createdAt, language())),
      )
    );
    return h(
      "table",
      { class: "admin-table" },
      h("caption", {}, t("admin.users.caption")),
      h("thead", {}, h("tr", {}, ...head)),
      h("tbody", {}, ...rows),
    );
  }

  function userForm() {
    const role = h("select", { name: "role" }, ...ROLES.map((r) => h("option", { value: r }, r)));
    return form(
      "admin.users.add",
      async (element) => {
        const groups = commaList(valueOf(element, "groups"));
        await api.send("POST", "/identity/users", {
          username: valueOf(element, "username"),
          password: /** @type {HTMLInputElement} */ (element.elements.namedItem("password")).value,
          role: valueOf(element, "role"),
          ...(groups.length ? { groups } : {}),
        });
        await show();
      },
      h("h3", {}, t("admin.users.add")),
      field("admin.users.username", textInput("username", { required: true })),
      field(
        "admin.users.password",
        textInput("password", { type: "password", required: true, autocomplete: "new-password" }),
      ),
      field("admin.users.role", role),
      field("admin.users.groups", textInput("groups")),
      h("button", { type: "submit", class: "primary" }, t("admin.add")),
    );
  }

  return { show };
}
