/**
 * One of the customer's tickets: subject, status, the public conversation (the customer's own
 * messages and support's replies, as text), the attachments (each a download link: the file
 * is fetched with the token, `downloadAttachment`), the satisfaction survey's link once solved,
 * and the answer box (for a closed ticket, a follow-up box: a new ticket linked to it).
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";

/**
 * @typedef {{ answer(body: string): Promise<void>, followUp(body: string): Promise<void>,
 *   download(attachment: any): void, draft: { get(): string, set(text: string): void } }}
 *   TicketViewActions
 * @param {{ ticket: Record<string, any>, attachments: any[], me: string, survey?: string | null }} data
 * @param {TicketViewActions} actions
 */
export function ticketView({ ticket, attachments, me, survey = null }, actions) {
  const { download } = actions;
  return h(
    "article",
    { "data-ticket": ticket.id, "aria-labelledby": "ticket-title" },
    h(
      "h2",
      { id: "ticket-title" },
      `${t("ticket.number", { number: ticket.number })} `,
      ticket.subject ?? "—",
    ),
    h(
      "p",
      { id: "ticket-status" },
      `${t("ticket.status")}: ${t(`status.${ticket.status}`)} · `,
      t("portal.updated", { time: formatTime(ticket.updatedAt, language()) }),
    ),
    survey
      ? h("p", { class: "survey" }, h("a", { id: "survey-link", href: survey }, t("portal.survey")))
      : null,
    h("h3", {}, t("portal.timeline")),
    h(
      "ol",
      { class: "conversation" },
      ...(ticket.messages ?? []).map((/** @type {any} */ m) =>
        h(
          "li",
          { class: m.authorId === me ? "mine" : "support" },
          h(
            "div",
            { class: "meta" },
            `${m.authorId === me ? t("portal.you") : t("portal.support")} · `,
            h("time", { datetime: m.createdAt }, formatTime(m.createdAt, language())),
          ),
          h("p", { class: "body" }, m.body ?? "—"),
        )
      ),
    ),
    h("h3", {}, t("portal.files")),
    attachments.length === 0 ? h("p", {}, t("ticket.noAttachments")) : h(
      "ul",
      { class: "attachments" },
      ...attachments.map((a) => h("li", {}, attachmentLink(a, download))),
    ),
    // A closed ticket takes no answers (409 ticket_closed); a follow-up is a new ticket.
    ticket.status === "closed"
      ? answerForm("follow-up", t("portal.closed"), t("portal.followUp"), actions.followUp, actions)
      : answerForm("answer", t("portal.answer"), t("portal.send"), actions.answer, actions),
  );
}

/**
 * The answer box, keeping its draft; its button is disabled while the text is on its way, so a
 * double-click sends it once.
 * @param {string} id
 * @param {string} label
 * @param {string} button
 * @param {(body: string) => Promise<void>} send
 * @param {TicketViewActions} actions
 */
function answerForm(id, label, button, send, { draft }) {
  const box = /** @type {HTMLTextAreaElement} */ (h("textarea", {
    id,
    rows: "4",
    maxlength: "20000",
    required: true,
  }));
  box.value = draft.get();
  box.addEventListener("input", () => draft.set(box.value));
  const submit = h("button", { id: `send-${id}`, type: "submit" }, button);
  const form = h("form", { class: "answer" }, h("label", { for: id }, label), box, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = box.value.trim();
    if (!body || submit.hasAttribute("disabled")) return;
    submit.setAttribute("disabled", "");
    send(body).finally(() => submit.removeAttribute("disabled"));
  });
  return form;
}

/**
 * @param {any} attachment
 * @param {(attachment: any) => void} download
 */
function attachmentLink(attachment, download) {
  const name = attachment.fileName ?? "—";
  const link = h("a", {
    href: "#",
    "data-attachment": attachment.attachmentId,
    "aria-label": t("ticket.download", { name }),
  }, name);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    download(attachment);
  });
  return link;
}
