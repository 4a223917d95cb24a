/**
 * Users: identity's users API (`/users`): listed (their ids are the agent ids routing uses),
 * added with a role and groups (the password is sent once and never shown), and their role and
 * groups changed.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { commaList, field, form, heading, moreButton, textInput, valueOf } from "./panel.js";

const ROLES = ["agent", "supervisor", "admin", "auditor", "customer"];
/** Users per page (identity's `limit`; `next` names the page after). */
const PAGE_SIZE = 200;

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function usersPanel(api, root) {
  /** @type {{ users: User[], next: string | null }} */
  const listed = { users: [], next: null };

  async function show() {
    const page = await api.get(`/identity/users?limit=${PAGE_SIZE}`);
    Object.assign(listed, page);
    draw();
  }

  async function more() {
    const after = encodeURIComponent(listed.next ?? "");
    const page = await api.get(`/identity/users?limit=${PAGE_SIZE}&after=${after}`);
    Object.assign(listed, { users: [...listed.users, ...page.users], next: page.next });
    draw();
  }

  function draw() {
    replaceChildren(
      root,
      heading("users"),
      usersTable(listed.users),
      moreButton(listed.next, more),
      userForm(),
      changeForm(listed.users),
    );
  }

  /** @param {User[]} users */
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
      field("admin.users.role", roleSelect()),
      field("admin.users.groups", textInput("groups")),
      h("button", { type: "submit", class: "primary" }, t("admin.add")),
    );
  }

  /**
   * Role and groups of an existing user (`PATCH /users/:id`; it ends that user's sessions). The
   * fields start as the picked user's, and only what was changed is sent: editing groups never
   * touches the role (identity refuses anyone changing their own role, 403).
   * @param {User[]} users
   */
  function changeForm(users) {
    const who = /** @type {HTMLSelectElement} */ (h(
      "select",
      { name: "id" },
      ...users.map((u) => h("option", { value: u.id }, u.username)),
    ));
    const role = roleSelect();
    const groups = textInput("groups");
    const picked = () => users.find((u) => u.id === who.value);
    const prefill = () => {
      role.value = picked()?.role ?? "agent";
      groups.value = (picked()?.groups ?? []).join(", ");
    };
    who.addEventListener("change", prefill);
    prefill();
    return form(
      "admin.users.change",
      async (element) => {
        const user = picked();
        const newGroups = commaList(valueOf(element, "groups"));
        const changes = {
          ...(role.value !== user?.role ? { role: role.value } : {}),
          ...(newGroups.join() !== (user?.groups ?? []).join() ? { groups: newGroups } : {}),
        };
        if (Object.keys(changes).length === 0) return; // identity refuses an empty change
        await api.send("PATCH", `/identity/users/${valueOf(element, "id")}`, changes);
        await show();
      },
      h("h3", {}, t("admin.users.change")),
      h("p", { class: "hint" }, t("admin.users.changeHint")),
      field("admin.users.username", who),
      field("admin.users.role", role),
      field("admin.users.groups", groups),
      h("button", { type: "submit", class: "primary" }, t("admin.save")),
    );
  }

  return { show };
}

function roleSelect() {
  return /** @type {HTMLSelectElement} */ (
    h("select", { name: "role" }, ...ROLES.map((r) => h("option", { value: r }, r)))
  );
}

/**
 * @typedef {{ id: string, username: string, role: string, groups: string[], createdAt: string }} User
 */
