/**
 * The signed-in portal: the customer's own tickets (the API lists only those), one open ticket
 * with its public conversation (the API hides internal notes from customers) and an answer
 * box, and the new-ticket form. An open ticket is read again every FOLLOW_MS while the page is
 * visible: customers get no pushed notifications from the sessions service.
 * @module
 */
import { byId, h } from "../shared/dom.js";
import { t, translatePage } from "../shared/i18n.js";
import { newTicketForm } from "./new_ticket.js";
import { ticketView } from "./ticket_view.js";

const FOLLOW_MS = 5_000;
const PAGE_SIZE = 50;

/**
 * @param {import("../shared/api.js").Api} api
 * @param {{ me(): import("../shared/auth.js").Me, token(): Promise<string> }} session
 * @param {(error: unknown) => void} failed
 */
export function portal(api, session, failed) {
  /** @type {{ rows: any[], openId: string | null, version: number, writing: boolean }} */
  const state = { rows: [], openId: null, version: -1, writing: false };
  const pane = byId("pane");

  async function showList() {
    const page = await api.get(`/tickets/v1/tickets?sort=-updated_at&limit=${PAGE_SIZE}`);
    state.rows = page.tickets;
    drawList();
  }

  function drawList() {
    const list = byId("my-tickets");
    if (state.rows.length === 0) {
      list.replaceChildren(h("li", {}, t("portal.empty")));
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
  }

  /** Draws the ticket again only when its version moved (or the language did). */
  async function openTicket(/** @type {string} */ id, force = false) {
    const [ticket, attachments] = await Promise.all([
      api.get(`/tickets/v1/tickets/${id}`),
      api.get(`/attachments/v1/attachments?ticketId=${id}`).then((a) => a.attachments, () => []),
    ]);
    if (!force && state.openId === id && state.version === ticket.version) return;
    const row = state.rows.find((r) => r.id === id);
    if (row) Object.assign(row, { status: ticket.status, subject: ticket.subject });
    const typed = /** @type {HTMLTextAreaElement | null} */ (document.getElementById("answer"));
    state.openId = id;
    state.version = ticket.version;
    pane.replaceChildren(ticketView({ ticket, attachments, me: session.me().sub }, answer));
    if (typed?.value) {
      /** @type {HTMLTextAreaElement} */ (byId("answer")).value = typed.value;
    }
    drawList();
  }

  async function answer(/** @type {string} */ body) {
    if (!state.openId) return;
    await api.send("POST", `/tickets/v1/tickets/${state.openId}/messages`, { body });
    /** @type {HTMLTextAreaElement} */ (byId("answer")).value = "";
    await openTicket(state.openId, true);
    await showList();
  }

  function showForm() {
    state.openId = null;
    pane.replaceChildren(newTicketForm({
      create: async (subject, body) => {
        const ticket = await api.send("POST", "/tickets/v1/tickets", { subject, body });
        await showList();
        // The list is a read model that may not have it yet: one's own write shows at once.
        if (!state.rows.some((row) => row.id === ticket.id)) state.rows.unshift(ticket);
        return ticket.id;
      },
      token: session.token,
      done: (id) => openTicket(id, true).catch(failed),
      failed,
    }));
    drawList();
    /** @type {HTMLInputElement} */ (byId("subject")).focus();
  }

  function follow() {
    setInterval(() => {
      if (document.visibilityState !== "visible" || !state.openId) return;
      openTicket(state.openId).catch(failed);
    }, FOLLOW_MS);
  }

  return {
    async start() {
      byId("new-ticket").addEventListener("click", showForm);
      byId("my-tickets").addEventListener("click", (event) => {
        const link = /** @type {Element} */ (event.target).closest("[data-ticket-link]");
        if (!link) return;
        event.preventDefault();
        openTicket(/** @type {string} */ (link.getAttribute("data-ticket-link")), true)
          .catch(failed);
      });
      follow();
      await showList();
    },
    redraw() {
      translatePage(document);
      drawList();
      if (state.openId) openTicket(state.openId, true).catch(failed);
    },
  };
}
