/**
 * The queues (mine, unassigned, my groups, SLA at risk, search) as API queries, their counts
 * (one `GET /v1/tickets/counts` call, plus routing's exact SLA-at-risk count), and the list rows.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { statusLabel } from "./statuses.js";

export const PAGE_SIZE = 50;
/** The states the queues hold (a custom status of one of them can narrow them). */
export const OPEN_STATUSES = ["new", "open", "pending", "on_hold"];
const OPEN = OPEN_STATUSES.join(",");
/** "SLA at risk": a clock due within this many minutes, or overdue. */
export const SLA_WINDOW_MINUTES = 60;

/**
 * @typedef {{ id: string, number: number, subject: string | null, status: string,
 *   customStatusId?: string | null,
 *   priority: string, assigneeId: string | null, groupId: string | null, updatedAt: string }} Row
 * @typedef {{ rows: Row[], more: boolean, cursor: string | null }} Page
 * @typedef {"mine" | "unassigned" | "groups" | "sla" | "search"} QueueName
 * @typedef {{ me: import("../shared/auth.js").Me, query: string, customStatus: string }}
 *   QueueContext `customStatus`: narrow the open queues to one custom status ("" for all)
 */

/** The queues a custom status narrows: the open ones the tickets API lists. */
export const FILTERED_QUEUES = ["mine", "unassigned", "groups"];

/**
 * The first page (or the page after `cursor`) of a queue.
 * @param {import("../shared/api.js").Api} api
 * @param {QueueName} name
 * @param {QueueContext} context
 * @param {string | null} [cursor]
 * @returns {Promise<Page>}
 */
export async function loadQueue(api, name, context, cursor = null) {
  if (name === "sla") return await slaPage(api, cursor);
  const params = queueParams(name, context);
  if (!params) return { rows: [], more: false, cursor: null };
  params.set("limit", String(PAGE_SIZE));
  if (cursor) params.set("cursor", cursor);
  const page = await api.get(`/tickets/v1/tickets?${params}`);
  return { rows: page.tickets, more: Boolean(page.nextCursor), cursor: page.nextCursor ?? null };
}

/**
 * Every queue's count label: open tickets from the tickets API in one call; SLA at risk from
 * routing's count of the same list.
 * @param {import("../shared/api.js").Api} api
 * @param {import("../shared/auth.js").Me} me
 * @returns {Promise<Record<string, string>>}
 */
export async function loadCounts(api, me) {
  const queues = new URLSearchParams([["queue", "mine"], ["queue", "unassigned"]]);
  if (me.groups.length > 0) queues.append("queue", "groups");
  const [{ counts }, sla] = await Promise.all([
    api.get(`/tickets/v1/tickets/counts?${queues}`),
    api.get(`/routing/v1/routing/sla/at-risk/count?within=${SLA_WINDOW_MINUTES}`),
  ]);
  return {
    mine: String(counts.mine),
    unassigned: String(counts.unassigned),
    groups: String(counts.groups ?? 0),
    sla: String(sla.count),
  };
}

/**
 * @param {QueueName} name
 * @param {QueueContext} context
 */
export function queueParams(name, { me, query, customStatus }) {
  const params = new URLSearchParams({ sort: "-updated_at" });
  if (name === "mine") params.set("assignee", me.sub);
  if (name === "unassigned") params.set("assignee", "none");
  if (name === "groups") {
    if (me.groups.length === 0) return null;
    for (const group of me.groups) params.append("group", group);
  }
  if (name === "search") {
    if (!query) return null;
    params.set("q", query);
    return params;
  }
  params.set("status", OPEN);
  if (customStatus && FILTERED_QUEUES.includes(name)) params.set("custom_status", customStatus);
  return params;
}

/**
 * Routing's SLA-at-risk list (earliest due first), its tickets read in one request (`id=`).
 * @param {import("../shared/api.js").Api} api
 * @param {string | null} cursor
 * @returns {Promise<Page>}
 */
async function slaPage(api, cursor) {
  const params = new URLSearchParams({
    within: String(SLA_WINDOW_MINUTES),
    limit: String(PAGE_SIZE),
  });
  if (cursor) params.set("cursor", cursor);
  const page = await api.get(`/routing/v1/routing/sla/at-risk?${params}`);
  /** @type {string[]} */
  const ids = page.tickets.map((/** @type {{ ticketId: string }} */ t) => t.ticketId);
  const wanted = new URLSearchParams(ids.map((id) => ["id", id]));
  wanted.set("limit", String(PAGE_SIZE));
  const found = ids.length ? await api.get(`/tickets/v1/tickets?${wanted}`) : { tickets: [] };
  // In routing's order (earliest due first), not the list's.
  const byId = new Map(found.tickets.map((/** @type {Row} */ row) => [row.id, row]));
  const rows = ids.map((id) => byId.get(id)).filter(Boolean);
  return { rows, more: Boolean(page.nextCursor), cursor: page.nextCursor };
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
      h(
        "span",
        {},
        `${statusLabel(row.status, row.customStatusId)} · ${t(`priority.${row.priority}`)}`,
      ),
      h("time", { datetime: row.updatedAt }, formatTime(row.updatedAt, language())),
    ),
    h("span", { class: "row-subject" }, row.subject ?? "—"),
  );
}
