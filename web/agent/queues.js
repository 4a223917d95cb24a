/**
 * The queues (mine, unassigned, my groups, SLA at risk, search) as tickets-API queries, their
 * counts, and the list of the current queue's first page. Counts are of the first page ("50+"
 * when there is more): the list API gives no totals.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";

export const PAGE_SIZE = 50;
const OPEN = "new,open,pending,on_hold";

/**
 * @typedef {{ id: string, number: number, subject: string | null, status: string,
 *   priority: string, assigneeId: string | null, groupId: string | null, updatedAt: string }} Row
 * @typedef {{ rows: Row[], more: boolean, cursor: string | null }} Page
 * @typedef {"mine" | "unassigned" | "groups" | "sla" | "search"} QueueName
 */

/**
 * The first page (or the page after `cursor`) of a queue.
 * @param {import("../shared/api.js").Api} api
 * @param {QueueName} name
 * @param {{ me: import("../shared/auth.js").Me, query: string, slaTickets: Set<string> }} context
 * @param {string | null} [cursor]
 * @returns {Promise<Page>}
 */
export async function loadQueue(api, name, context, cursor = null) {
  if (name === "sla") return await slaPage(api, context.slaTickets);
  const params = queueParams(name, context);
  if (!params) return { rows: [], more: false, cursor: null };
  params.set("limit", String(PAGE_SIZE));
  if (cursor) params.set("cursor", cursor);
  const page = await api.get(`/tickets/v1/tickets?${params}`);
  /** @type {Row[]} */
  let rows = page.tickets;
  // The list API cannot ask for "no assignee": the open page is filtered here (a gap, see docs).
  if (name === "unassigned") rows = rows.filter((row) => row.assigneeId === null);
  return { rows, more: Boolean(page.nextCursor), cursor: page.nextCursor ?? null };
}

/**
 * @param {QueueName} name
 * @param {{ me: import("../shared/auth.js").Me, query: string }} context
 */
export function queueParams(name, { me, query }) {
  const params = new URLSearchParams({ sort: "-updated_at" });
  if (name === "mine") params.set("assignee", me.sub);
  if (name === "groups") {
    if (me.groups.length === 0) return null;
    params.set("group", me.groups[0]);
  }
  if (name === "search") {
    if (!query) return null;
    params.set("q", query);
    return params;
  }
  params.set("status", OPEN);
  return params;
}

/**
 * Tickets named by SLA warnings and breaches since sign-in, in their current state.
 * @param {import("../shared/api.js").Api} api
 * @param {Set<string>} ids
 */
async function slaPage(api, ids) {
  const rows = await Promise.all(
    [...ids].slice(0, PAGE_SIZE).map((id) =>
      api.get(`/tickets/v1/tickets/${id}`).catch(() => null)
    ),
  );
  return { rows: rows.filter(Boolean), more: false, cursor: null };
}

/**
 * A count label: the page's size, "50+" when there is more.
 * @param {Page} page
 */
export function countLabel(page) {
  return page.more ? `${page.rows.length}+` : String(page.rows.length);
}

/**
 * One row of the list (text only).
 * @param {Row} row
 * @param {boolean} selected
 */
export function rowElement(row, selected) {
  return h(
    "li",
    { role: "option", "aria-selected": String(selected), "data-id": row.id, id: `row-${row.id}` },
    h(
      "span",
      { class: "row-top" },
      h("span", {}, t("ticket.number", { number: row.number })),
      h("span", {}, `${t(`status.${row.status}`)} · ${t(`priority.${row.priority}`)}`),
      h("time", { datetime: row.updatedAt }, formatTime(row.updatedAt, language())),
    ),
    h("span", { class: "row-subject" }, row.subject ?? "—"),
  );
}
