/**
 * The signed-in portal: the customer's own tickets (the API lists only those), one open ticket
 * with its public conversation (the API hides internal notes from customers) and an answer
 * box, and the new-ticket form. Support's replies and status changes are pushed over the
 * sessions socket (`notified`); only while the socket is down is the open ticket read again,
 * every FALLBACK_MS while the page is visible.
 * @module
 */
import { byId, h } from "../shared/dom.js";
import { t, translatePage } from "../shared/i18n.js";
import { newTicketForm } from "./new_ticket.js";
import { ticketView } from "./ticket_view.js";
import { downloadAttachment } from "../shared/download.js";
import { composerDrafts } from "../shared/drafts.js";

const FALLBACK_MS = 30_000;
const PAGE_SIZE = 50;

/**
 * @param {import("../shared/api.js").Api} api
 * @param {{ me(): import("../shared/auth.js").Me, token(): Promise<string> }} session
 * @param {(error: unknown) => void} failed
 * @param {() => void} succeeded an action went through (clears the error line)
 */
export function portal(api, session, failed, succeeded) {
  /**
   * `view` counts the customer's own moves (a ticket link, the new-ticket form): a read begun
   * before one of them must not draw over where the customer went.
   * `listed`: the list has been read once (until then it is loading, not empty).
   * @type {{ rows: any[], listed: boolean, openId: string | null, version: number, view: number }}
   */
  const state = { rows: [], listed: false, openId: null, version: -1, view: 0 };
  const pane = byId("pane");
  const drafts = composerDrafts();

  /** `next`: the cursor of the page after the last one shown; `more`: "More…" was used. */
  const paging = { next: /** @type {string | null} */ (null), more: false };

  /** The newest page again; rows "More…" brought stay (a changed ticket moves to the top). */
  async function showList() {
    const page = await api.get(`/tickets/v1/tickets?sort=-updated_at&limit=${PAGE_SIZE}`);
    const fresh = new Set(page.tickets.map((/** @type {any} */ row) => row.id));
    const older = paging.more ? state.rows.filter((row) => !fresh.has(row.id)) : [];
    state.rows = [...page.tickets, ...older];
    state.listed = true;
    if (!paging.more) paging.next = page.nextCursor;
    drawList();
  }

  async function showMore() {
    const after = encodeURIComponent(paging.next ?? "");
    const page = await api.get(
      `/tickets/v1/tickets?sort=-updated_at&limit=${PAGE_SIZE}&cursor=${after}`,
    );
    const shown = new Set(state.rows.map((row) => row.id));
    state.rows.push(...page.tickets.filter((/** @type {any} */ row) => !shown.has(row.id)));
    Object.assign(paging, { next: page.nextCursor, more: true });
    drawList();
  }

  function drawList() {
    const list = byId("my-tickets");
    if (state.rows.length === 0) {
      list.replaceChildren(h("li", {}, t(state.listed ? "portal.empty" : "portal.loading")));
      return;
    }
    list.replaceChildren(...state.rows.map((row) =>
      h(
        "li",
        {},
        h(
          "a",
          {
            href: `#ticket-${row.id}`,
            "data-ticket-link": row.id,
            "aria-current": row.id === state.openId ? "true" : undefined,
          },
          `${t("ticket.number", { number: row.number })} ${row.subject ?? "—"} · `,
          t(`status.${row.status}`),
        ),
      )
    ));
    if (paging.next) list.append(moreItem());
  }

  function moreItem() {
    const button = h("button", { type: "button", id: "more-tickets" }, t("queue.more"));
    button.addEventListener("click", () => showMore().catch(failed));
    return h("li", { class: "more" }, button);
  }

  /** Draws the ticket again only when its version moved (or the language did). */
  async function openTicket(/** @type {string} */ id, force = false, minVersion = 0) {
    const view = state.view;
    const caughtUp = minVersion ? `?min_version=${minVersion}` : "";
    const [ticket, attachments] = await Promise.all([
      api.get(`/tickets/v1/tickets/${id}${caughtUp}`),
      api.get(`/attachments/v1/attachments?ticketId=${id}`).then((a) => a.attachments, () => []),
    ]);
    if (view !== state.view) return;
    if (!force && state.openId === id && state.version === ticket.version) return;
    const row = state.rows.find((r) => r.id === id);
    if (row) Object.assign(row, { status: ticket.status, subject: ticket.subject });
    state.openId = id;
    state.version = ticket.version;
    const download = (/** @type {any} */ a) => downloadAttachment(api, a).catch(failed);
    // A solved ticket invites its requester to the satisfaction survey (docs/csat.md).
    const survey = ticket.status === "solved" || ticket.status === "closed"
      ? await api.get(`/tickets/v1/tickets/${id}/survey`).then((s) => s.path, () => null)
      : null;
    if (view !== state.view) return;
    const typing = document.activeElement?.id;
    pane.replaceChildren(ticketView({ ticket, attachments, me: session.me().sub, survey }, {
      answer: (body) => answer(id, body),
      followUp: (body) => followUp(ticket, body),
      download,
      draft: drafts.of(id),
    }));
    if (typing === "answer") document.getElementById("answer")?.focus();
    drawList();
  }

  /** An answer on ticket `id`, with one Idempotency-Key per intended answer (a retry is one). */
  async function answer(/** @type {string} */ id, /** @type {string} */ body) {
    const key = drafts.key(id, body, false);
    const sent = await api.send("POST", `/tickets/v1/tickets/${id}/messages`, { body }, {
      "idempotency-key": key,
    }).catch((error) => (failed(error), null));
    if (!sent) return;
    drafts.sent(id);
    succeeded();
    // Read as of the answer's version: the read model may not have it yet.
    await openTicket(id, true, sent.version ?? 0).then(showList).catch(failed);
  }

  /** A closed ticket's follow-up: a new ticket of the same subject, linked by followUpOf. */
  async function followUp(/** @type {Record<string, any>} */ ticket, /** @type {string} */ body) {
    const created = await api.send(
      "POST",
      "/tickets/v1/tickets",
      { subject: ticket.subject ?? `#${ticket.number}`, body, followUpOf: ticket.id },
      { "idempotency-key": drafts.key(ticket.id, body, true) },
    ).catch((error) => (failed(error), null));
    if (!created) return;
    drafts.sent(ticket.id);
    succeeded();
    await showList().catch(failed);
    if (!state.rows.some((row) => row.id === created.id)) state.rows.unshift(created);
    await openTicket(created.id, true, created.version ?? 0).catch(failed);
  }

  /** @type {Map<string, number>} the version each ticket created here had */
  const created = new Map();

  function showForm() {
    state.view++;
    state.openId = null;
    pane.replaceChildren(newTicketForm({
      create: async (subject, body, key) => {
        const ticket = await api.send("POST", "/tickets/v1/tickets", { subject, body }, {
          "idempotency-key": key,
        });
        await showList();
        // The list is a read model that may not have it yet: one's own write shows at once.
        if (!state.rows.some((row) => row.id === ticket.id)) state.rows.unshift(ticket);
        created.set(ticket.id, ticket.version ?? 0);
        return ticket.id;
      },
      token: session.token,
      // Read as of the creation: the read model may not have the new ticket yet.
      done: (id) => openTicket(id, true, created.get(id) ?? 0).catch(failed),
      failed,
    }));
    drawList();
    /** @type {HTMLInputElement} */ (byId("subject")).focus();
  }

  /** A pushed change on one of the customer's tickets: read what it names again. */
  function notified(/** @type {import("../shared/live.js").Notification} */ n) {
    // The push can beat the read model: read the ticket as of the change it names.
    const version = n.sourceSeq ?? 0;
    if (n.ticketId && n.ticketId === state.openId) {
      openTicket(n.ticketId, false, version).catch(failed);
    }
    showList().catch(failed);
  }

  /** @type {ReturnType<typeof setInterval> | undefined} */
  let fallback;
  function live(/** @type {boolean} */ on) {
    clearInterval(fallback);
    if (on) return;
    fallback = setInterval(() => {
      if (document.visibilityState !== "visible" || !state.openId) return;
      openTicket(state.openId).catch(failed);
    }, FALLBACK_MS);
  }

  return {
    async start() {
      byId("new-ticket").addEventListener("click", showForm);
      byId("my-tickets").addEventListener("click", (event) => {
        const link = /** @type {Element} */ (event.target).closest("[data-ticket-link]");
        if (!link) return;
        event.preventDefault();
        state.view++;
        openTicket(/** @type {string} */ (link.getAttribute("data-ticket-link")), true)
          .catch(failed);
      });
      drawList(); // "loading" until the first read answers
      await showList();
    },
    notified,
    live,
    redraw() {
      translatePage(document); // the new-ticket form too, if open (its input stays)
      drawList();
      if (state.openId) openTicket(state.openId, true).catch(failed);
    },
  };
}
