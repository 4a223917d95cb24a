/**
 * The agent workspace: queue buttons with counts, the current queue's list, the open ticket,
 * and what changes them (clicks, keys, pushed notifications).
 * @module
 */
import { byId, h } from "../shared/dom.js";
import { downloadAttachment } from "../shared/download.js";
import { t, translatePage } from "../shared/i18n.js";
import { loadNames, loadPeople, peopleOf } from "./people.js";
import { FILTERED_QUEUES, loadCounts, loadQueue, OPEN_STATUSES, rowElement } from "./queues.js";
import { customStatusName, rememberStatuses } from "./statuses.js";
import { loadSimilar } from "./similar.js";
import { composerDrafts } from "../shared/drafts.js";
import { ticketElement } from "./ticket_view.js";
import { ticketTime } from "./time.js";

/** @type {import("./queues.js").QueueName[]} */
const QUEUES = ["mine", "unassigned", "groups", "sla"];

/**
 * @param {import("../shared/api.js").Api} api
 * @param {import("../shared/auth.js").Me} me
 * @param {(error: unknown) => void} failed
 * @param {() => void} [succeeded] an action went through (clears the error line)
 */
export function workspace(api, me, failed, succeeded = () => {}) {
  const state = {
    /** @type {import("./queues.js").QueueName} */ queue: "unassigned",
    /** @type {import("./queues.js").Row[]} */ rows: [],
    /** @type {string | null} */ cursor: null,
    selected: 0,
    /** @type {string | null} */ openId: null,
    query: "",
    /** The custom status the open queues are narrowed to, "" for none. */
    customStatus: "",
    /** @type {import("./statuses.js").CustomStatus[]} live custom statuses of open categories */
    filterStatuses: [],
  };
  const context = () => ({ me, query: state.query, customStatus: state.customStatus });
  const drafts = composerDrafts();
  const list = byId("queue-list");
  const more = byId("more");
  const filter = /** @type {HTMLSelectElement} */ (byId("status-filter"));
  /** @type {Map<string, number>} ticket numbers by id, as links and merges show them */
  const ticketNumbers = new Map();

  async function showQueue(/** @type {import("./queues.js").QueueName} */ name) {
    state.queue = name;
    const page = await loadQueue(api, name, context());
    state.rows = page.rows;
    state.cursor = page.cursor;
    state.selected = Math.min(state.selected, Math.max(0, state.rows.length - 1));
    byId("list-title").textContent = t(`queue.${name}`);
    drawList();
    drawStatusFilter();
    more.hidden = !page.more;
  }

  /** Offered only where it narrows (mine, unassigned, groups) and when the tenant has any. */
  function drawStatusFilter() {
    filter.replaceChildren(
      h("option", { value: "" }, t("filter.allOpen")),
      ...state.filterStatuses.map((s) => h("option", { value: s.id }, customStatusName(s))),
    );
    filter.value = state.customStatus;
    byId("status-filter-label").hidden = state.filterStatuses.length === 0 ||
      !FILTERED_QUEUES.includes(state.queue);
  }

  async function loadStatusFilter() {
    /** @type {import("./statuses.js").CustomStatus[]} */
    const statuses = await api.get("/tickets/v1/statuses").then((a) => a.statuses, () => []);
    rememberStatuses(statuses);
    drawList(); // rows holding a custom status now read its name
    state.filterStatuses = statuses.filter((s) => !s.retired && OPEN_STATUSES.includes(s.category));
    if (!state.filterStatuses.some((s) => s.id === state.customStatus)) state.customStatus = "";
    drawStatusFilter();
  }

  function drawList() {
    if (state.rows.length === 0) {
      list.replaceChildren(h("li", { role: "option", "aria-disabled": "true" }, t("queue.empty")));
      list.removeAttribute("aria-activedescendant");
      return;
    }
    list.replaceChildren(...state.rows.map((row, i) => rowElement(row, i === state.selected)));
    list.setAttribute("aria-activedescendant", `row-${state.rows[state.selected].id}`);
  }

  function setCount(/** @type {string} */ name, /** @type {string} */ label) {
    const count = document.querySelector(`[data-queue="${name}"] .count`);
    if (count) count.textContent = label;
  }

  async function refreshCounts() {
    const counts = await loadCounts(api, me);
    for (const name of QUEUES) setCount(name, counts[name]);
  }

  async function openTicket(/** @type {string} */ id, minVersion = 0) {
    state.openId = id;
    const suffix = minVersion ? `?min_version=${minVersion}` : "";
    const read = api.get(`/tickets/v1/tickets/${id}${suffix}`);
    const entries = api.get(`/tickets/v1/tickets/${id}/history`).then((a) => a.entries, () => []);
    const [ticket, history, attachments, similar] = await Promise.all([
      read,
      entries,
      api.get(`/attachments/v1/attachments?ticketId=${id}`).then((a) => a.attachments, () => []),
      loadSimilar(api, id, 5).catch(() => []),
      loadPeople(api),
      // The names of the ticket's people, asked as soon as it and its history are in.
      Promise.all([read, entries]).then(([opened, past]) => loadNames(api, peopleOf(opened, past))),
    ]);
    if (state.openId !== id) return;
    const active = document.activeElement;
    // Whoever is typing (the composer, the time form) keeps their field after a redraw.
    const typing = active?.id === "composer" || active?.closest(".time-form") ? active.id : "";
    byId("ticket").replaceChildren(
      ticketElement({ ticket, history, attachments, similar }, ticketActions(ticket)),
    );
    if (typing) document.getElementById(typing)?.focus();
  }

  /** @param {Record<string, any>} ticket */
  function ticketActions(ticket) {
    const path = `/tickets/v1/tickets/${ticket.id}`;
    /** Resolves true once the command went through, false (shown) when it was refused. */
    const change = async (/** @type {Promise<any>} */ done) => {
      const result = await done.catch((error) => (failed(error), REFUSED));
      if (result === REFUSED) return false;
      succeeded();
      await openTicket(ticket.id, result?.version ?? 0).then(() => showQueue(state.queue))
        .catch(failed);
      return true;
    };
    return {
      status: (/** @type {string} */ s) =>
        change(api.send("POST", `${path}/status`, { status: s })),
      statuses: () => api.get("/tickets/v1/statuses").then((a) => a.statuses),
      customStatus: (/** @type {string} */ id) =>
        change(api.send("POST", `${path}/status`, { customStatusId: id })),
      time: ticketTime(api, ticket, change),
      priority: (/** @type {string} */ p) =>
        change(api.send("PUT", `${path}/priority`, { priority: p })),
      assignToMe: () =>
        change(
          api.send("PUT", `${path}/assignment`, { assigneeId: me.sub, groupId: ticket.groupId }),
        ),
      tags: (/** @type {string[]} */ add, /** @type {string[]} */ remove) =>
        change(api.send("POST", `${path}/tags`, { add, remove })),
      // One Idempotency-Key per intended message: a retry of it is one message, not two.
      post: (/** @type {string} */ body, /** @type {boolean} */ internal) =>
        change(
          api.send("POST", `${path}/messages`, { body, internal }, {
            "idempotency-key": drafts.key(ticket.id, body, internal),
          }).then((result) => (drafts.sent(ticket.id), result)),
        ),
      draft: drafts.of(ticket.id),
      download: (/** @type {any} */ a) => downloadAttachment(api, a).catch(failed),
      macros: () => api.get("/tickets/v1/macros").then((a) => a.macros),
      applyMacro: (/** @type {string} */ id) =>
        change(api.send("POST", `${path}/macros/${id}/apply`, undefined)),
      open: (/** @type {string} */ id) => openTicket(id).catch(failed),
      // Merges and links answer with both tickets: this one's version is what to wait for.
      pair: (
        /** @type {string} */ method,
        /** @type {string} */ route,
        /** @type {Record<string, string> | undefined} */ body,
      ) => change(api.send(method, `${path}/${route}`, body).then((r) => r.ticket)),
      ticketNumbers: async (/** @type {string[]} */ ids) => {
        // A number never changes: each redraw asks only for tickets not numbered yet.
        const unknown = ids.filter((id) => !ticketNumbers.has(id));
        if (unknown.length > 0) {
          const query = unknown.map((id) => `id=${encodeURIComponent(id)}`).join("&");
          const page = await api.get(`/tickets/v1/tickets?${query}&limit=${unknown.length}`);
          for (const row of page.tickets) ticketNumbers.set(row.id, row.number);
        }
        return ticketNumbers;
      },
      ticketIdOf: async (/** @type {number} */ number) =>
        (await api.get(`/tickets/v1/tickets?number=${number}&limit=1`)).tickets[0]?.id ?? null,
    };
  }

  /** A pushed notification: refresh what it touches (debounced), never poll. */
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  function notified(/** @type {import("../shared/live.js").Notification} */ n) {
    clearTimeout(pending);
    pending = setTimeout(() => {
      showQueue(state.queue).then(refreshCounts).catch(failed);
      if (n.ticketId && n.ticketId === state.openId) openTicket(n.ticketId).catch(failed);
    }, 150);
  }

  function drawQueueButtons() {
    byId("queues").replaceChildren(...QUEUES.map((name) => {
      const button = h(
        "button",
        { type: "button", "data-queue": name, "aria-current": String(name === state.queue) },
        h("span", { "data-i18n": `queue.${name}` }, t(`queue.${name}`)),
        h("span", { class: "count" }, ""),
      );
      button.addEventListener("click", () => select(name));
      return button;
    }));
  }

  function select(/** @type {import("./queues.js").QueueName} */ name) {
    state.selected = 0;
    for (const b of document.querySelectorAll("[data-queue]")) {
      b.setAttribute("aria-current", String(b.getAttribute("data-queue") === name));
    }
    showQueue(name).catch(failed);
  }

  list.addEventListener("click", (event) => {
    const row = /** @type {HTMLElement} */ (event.target).closest("li[data-id]");
    if (!row) return;
    state.selected = state.rows.findIndex((r) => r.id === row.getAttribute("data-id"));
    drawList();
    openTicket(/** @type {string} */ (row.getAttribute("data-id"))).catch(failed);
  });
  filter.addEventListener("change", () => {
    state.customStatus = filter.value;
    state.selected = 0;
    showQueue(state.queue).catch(failed);
  });
  more.addEventListener("click", async () => {
    const page = await loadQueue(api, state.queue, context(), state.cursor).catch(failed);
    if (!page) return;
    state.rows.push(...page.rows);
    state.cursor = page.cursor;
    more.hidden = !page.more;
    drawList();
  });

  return {
    async start() {
      drawQueueButtons();
      translatePage(byId("queues"));
      const counts = refreshCounts();
      loadStatusFilter().catch(failed);
      await showQueue(state.queue);
      // What the speed test reads: the first queue's rows are on screen.
      performance.mark("ticketd:first-queue");
      await counts;
      performance.mark("ticketd:counts");
    },
    notified,
    /** After the socket came back: what it would have pushed meanwhile. */
    reload() {
      showQueue(state.queue).then(refreshCounts).catch(failed);
      if (state.openId) openTicket(state.openId).catch(failed);
    },
    redraw() {
      byId("list-title").textContent = t(`queue.${state.queue}`);
      drawList();
      drawStatusFilter();
      if (state.openId) openTicket(state.openId).catch(failed);
    },
    search(/** @type {string} */ query) {
      state.query = query;
      state.selected = 0;
      for (const b of document.querySelectorAll("[data-queue]")) {
        b.setAttribute("aria-current", "false");
      }
      showQueue("search").catch(failed);
    },
    move(/** @type {number} */ step) {
      if (state.rows.length === 0) return;
      state.selected = Math.max(0, Math.min(state.rows.length - 1, state.selected + step));
      drawList();
      document.getElementById(`row-${state.rows[state.selected].id}`)?.scrollIntoView({
        block: "nearest",
      });
    },
    openSelected() {
      const row = state.rows[state.selected];
      if (row) openTicket(row.id).catch(failed);
    },
  };
}

const REFUSED = Symbol("refused");
