/**
 * A ticket's timeline: its messages (replies and internal notes) and the changes from its
 * history (status, priority, assignment, tags, attachments), oldest first, as text.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { personName } from "./people.js";
import { statusLabel } from "./statuses.js";

/**
 * @typedef {{ id: string, authorId: string, internal: boolean, body: string | null,
 *   createdAt: string }} Message
 * @typedef {{ at: string, actor: { id: string }, events: Record<string, any>[] }} HistoryEntry
 * @typedef {{ at: string, kind: string, by: string, text: string }} Item
 */

/**
 * Messages and changes merged by time.
 * @param {Message[]} messages
 * @param {HistoryEntry[]} history
 * @returns {Item[]}
 */
export function timelineItems(messages, history) {
  /** @type {Item[]} */
  const items = messages.map((m) => ({
    at: m.createdAt,
    kind: m.internal ? "note" : "message",
    by: personName(m.authorId),
    text: m.body ?? "—",
  }));
  // A status change names the custom status it leaves: the one the change before it set.
  const held = { customStatusId: null };
  for (const entry of history) {
    for (const event of entry.events) {
      const text = changeText(event, held);
      if (text) items.push({ at: entry.at, kind: "change", by: personName(entry.actor.id), text });
    }
  }
  // At the same instant the change (the ticket's opening) reads before its first message.
  return items.sort((a, b) =>
    a.at.localeCompare(b.at) || Number(b.kind === "change") - Number(a.kind === "change")
  );
}

/**
 * @param {Record<string, any>} event
 * @param {{ customStatusId: string | null }} held the custom status the ticket holds so far
 */
function changeText(event, held) {
  switch (event.type) {
    case "TicketCreated":
      return t("ticket.created");
    case "TicketStatusChanged": {
      const from = statusLabel(event.from, held.customStatusId);
      held.customStatusId = event.customStatusId ?? null;
      return t("ticket.changed.status", { from, to: statusLabel(event.to, held.customStatusId) });
    }
    case "TicketPriorityChanged":
      return t("ticket.changed.priority", {
        from: t(`priority.${event.from}`),
        to: t(`priority.${event.to}`),
      });
    case "TicketAssigned":
      return t("ticket.changed.assigned", {
        who: event.assigneeId ? personName(event.assigneeId) : event.groupId ??
          t("ticket.unassigned"),
      });
    case "TicketTagsChanged": {
      // Only the side that changed: "+printer", not "+printer −".
      const added = event.added?.length ? `+${event.added.join(", ")}` : "";
      const removed = event.removed?.length ? `−${event.removed.join(", ")}` : "";
      return `${t("ticket.tags")}: ${[added, removed].filter(Boolean).join(" ")}`;
    }
    case "AttachmentAdded":
      return t("ticket.changed.attachment", { name: event.fileName ?? "—" });
    default:
      return null;
  }
}

/**
 * The timeline as a list.
 * @param {Item[]} items
 */
export function timelineElement(items) {
  return h(
    "ol",
    { class: "timeline", "aria-label": t("ticket.timeline") },
    ...items.map((item) =>
      h(
        "li",
        { class: item.kind },
        h(
          "div",
          { class: "meta" },
          `${item.by} · `,
          h("time", { datetime: item.at }, formatTime(item.at, language())),
          item.kind === "note" ? ` · ${t("ticket.note")}` : "",
        ),
        item.kind === "change" ? h("div", {}, item.text) : h("p", { class: "body" }, item.text),
      )
    ),
  );
}
