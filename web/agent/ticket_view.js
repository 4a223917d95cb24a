/**
 * The open ticket: subject, status, priority, assignee, tags, timeline, attachments with
 * download links, similar tickets, and the composer. Every change goes through `actions`; the
 * view is drawn again from the API afterwards.
 * @module
 */
import { h } from "../shared/dom.js";
import { formatBytes } from "../shared/bytes.js";
import { language, t } from "../shared/i18n.js";
import { chatElement } from "./chat.js";
import { collisionElement } from "./collision.js";
import { linksElement } from "./links.js";
import { personName } from "./people.js";
import { timelineElement, timelineItems } from "./timeline.js";
import { macroPickerElement } from "./macros.js";
import { statusSelectElement } from "./statuses.js";
import { timeElement } from "./time.js";

const PRIORITIES = ["low", "normal", "high", "urgent"];

/**
 * @typedef {{ ticket: Record<string, any>, history: any[], attachments: any[], similar: any[] }}
 *   TicketData
 * @typedef {{ status(s: string): Promise<boolean>, priority(p: string): Promise<boolean>,
 *   assignToMe(): void, tags(add: string[], remove: string[]): void,
 *   post(body: string, internal: boolean): Promise<boolean>,
 *   draft: { get(): string, set(text: string): void },
 *   download(attachment: any): void, open(id: string): void,
 *   macros(): Promise<import("./macros.js").MacroSummary[]>, applyMacro(id: string): void,
 *   time: import("./time.js").TimeActions }
 *   & import("./statuses.js").StatusActions & import("./links.js").LinkActions} TicketActions
 */

/**
 * @param {TicketData} data
 * @param {TicketActions} actions
 */
export function ticketElement(data, actions) {
  const { ticket } = data;
  return h(
    "article",
    { "data-ticket": ticket.id },
    h(
      "h2",
      { id: "ticket-title" },
      `${t("ticket.number", { number: ticket.number })} `,
      ticket.subject ?? "—",
    ),
    collisionElement(ticket.id),
    chatElement(ticket),
    fieldsElement(ticket, actions),
    tagsElement(ticket.tags, actions),
    linksElement(ticket, actions),
    h("h3", {}, t("ticket.timeline")),
    timelineElement(timelineItems(ticket.messages ?? [], data.history)),
    composerElement(actions),
    macroPickerElement({ list: actions.macros, apply: actions.applyMacro }),
    timeElement(actions.time),
    h(
      "div",
      { class: "side" },
      attachmentsElement(data.attachments, actions),
      similarElement(data.similar, actions),
    ),
  );
}

/**
 * @param {Record<string, any>} ticket
 * @param {TicketActions} actions
 */
function fieldsElement(ticket, actions) {
  const status = statusSelectElement(ticket, actions);
  const priority = selectElement(
    "priority",
    PRIORITIES,
    ticket.priority,
    (v) => actions.priority(v),
  );
  const assign = h("button", { type: "button", id: "assign-me" }, t("ticket.assignMe"));
  assign.addEventListener("click", () => actions.assignToMe());
  return h(
    "div",
    { class: "fields" },
    h("label", {}, t("ticket.status"), status),
    h("label", {}, t("ticket.priority"), priority),
    h(
      "div",
      {},
      h(
        "div",
        { class: "hint" },
        `${t("ticket.assignee")}: `,
        h(
          "span",
          { id: "assignee", "data-id": ticket.assigneeId ?? "" },
          ticket.assigneeId ? personName(ticket.assigneeId) : t("ticket.unassigned"),
        ),
      ),
      assign,
    ),
  );
}

/**
 * @param {string} name
 * @param {string[]} values
 * @param {string} current
 * @param {(value: string) => Promise<boolean>} changed true when the change went through
 */
function selectElement(name, values, current, changed) {
  const select = /** @type {HTMLSelectElement} */ (h(
    "select",
    { id: `ticket-${name}` },
    ...values.map((v) => h("option", { value: v, selected: v === current }, t(`${name}.${v}`))),
  ));
  // A refused change shows the ticket's actual value again, not the one picked.
  select.addEventListener("change", async () => {
    if (!(await changed(select.value))) select.value = current;
  });
  return select;
}

/**
 * @param {string[]} tags
 * @param {TicketActions} actions
 */
function tagsElement(tags, actions) {
  const input = /** @type {HTMLInputElement} */ (h("input", {
    id: "tag-input",
    maxlength: "64",
    "aria-label": t("ticket.addTag"),
    placeholder: t("ticket.addTag"),
  }));
  const form = h(
    "form",
    { class: "tags" },
    input,
    h("button", { type: "submit" }, t("ticket.addTagButton")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const tag = input.value.trim();
    if (tag) actions.tags([tag], []);
  });
  const chips = tags.map((tag) => {
    const remove = h(
      "button",
      { type: "button", "aria-label": t("ticket.removeTag", { tag }) },
      "×",
    );
    remove.addEventListener("click", () => actions.tags([], [tag]));
    return h("span", { class: "tag" }, tag, remove);
  });
  return h(
    "div",
    { class: "tags", "aria-label": t("ticket.tags") },
    h("span", { class: "hint" }, `${t("ticket.tags")}:`),
    ...chips,
    form,
  );
}

/** @param {TicketActions} actions */
function composerElement(actions) {
  const text =
    /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "composer", maxlength: "20000" }));
  text.value = actions.draft.get();
  text.addEventListener("input", () => actions.draft.set(text.value));
  const reply = h(
    "button",
    { type: "button", class: "primary", id: "send-reply" },
    t("composer.reply"),
  );
  const note = h("button", { type: "button", id: "send-note" }, t("composer.note"));
  // Disabled while a message is on its way, so a double-click sends it once.
  const send = async (/** @type {boolean} */ internal) => {
    const body = text.value.trim();
    if (!body) return;
    for (const b of [reply, note]) b.setAttribute("disabled", "");
    await actions.post(body, internal);
    for (const b of [reply, note]) b.removeAttribute("disabled");
  };
  reply.addEventListener("click", () => send(false));
  note.addEventListener("click", () => send(true));
  return h(
    "div",
    { class: "composer" },
    h("label", { for: "composer" }, t("composer.label")),
    text,
    h("div", { class: "actions" }, reply, note),
  );
}

/**
 * @param {any[]} attachments
 * @param {TicketActions} actions
 */
function attachmentsElement(attachments, actions) {
  const items = attachments.map((a) => {
    const link = h("a", {
      href: "#",
      "aria-label": t("ticket.download", { name: a.fileName ?? "—" }),
    }, a.fileName ?? "—");
    link.addEventListener("click", (e) => {
      e.preventDefault();
      actions.download(a);
    });
    return h("li", {}, link, ` (${formatBytes(a.size, language())})`);
  });
  return h(
    "section",
    { "aria-labelledby": "attachments-title" },
    h("h3", { id: "attachments-title" }, t("ticket.attachments")),
    items.length ? h("ul", {}, ...items) : h("p", { class: "hint" }, t("ticket.noAttachments")),
  );
}

/**
 * @param {any[]} similar
 * @param {TicketActions} actions
 */
function similarElement(similar, actions) {
  const items = similar.map((s) => {
    const link = h(
      "a",
      { href: "#" },
      `${t("ticket.number", { number: s.number })} · ${t(`status.${s.status}`)}`,
      s.subject ? ` · ${s.subject}` : "",
    );
    link.addEventListener("click", (e) => {
      e.preventDefault();
      actions.open(s.ticketId);
    });
    return h("li", {}, link);
  });
  return h(
    "section",
    { "aria-labelledby": "similar-title" },
    h("h3", { id: "similar-title" }, t("ticket.similar")),
    items.length ? h("ul", {}, ...items) : h("p", { class: "hint" }, t("ticket.noSimilar")),
  );
}
