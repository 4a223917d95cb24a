/**
 * One of the customer's tickets: subject, status, the public conversation (the customer's own
 * messages and support's replies, as text), the attachments (each a download link: the file
 * is fetched with the token, `downloadAttachment`), the satisfaction survey's link once solved,
 * and the answer box.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";

/**
 * @param {{ ticket: Record<string, any>, attachments: any[], me: string, survey?: string | null }} data
 * @param {(body: string) => Promise<void>} answer
 * @param {(attachment: any) => void} download
 */
export function ticketView({ ticket, attachments, me, survey = null }, answer, download) {
  const box = /** @type {HTMLTextAreaElement} */ (h("textarea", {
    id: "answer",
    rows: "4",
    maxlength: "20000",
    required: true,
  }));
  const form = h(
    "form",
    { class: "answer" },
    h("label", { for: "answer" }, t("portal.answer")),
    box,
    h("button", { id: "send-answer", type: "submit" }, t("portal.send")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (box.value.trim()) answer(box.value.trim());
  });
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
    form,
  );
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
