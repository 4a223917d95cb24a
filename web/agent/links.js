/**
 * The open ticket's merges and links: where a merged ticket went (with undo), the tickets merged
 * into it, its links (each opens the other ticket, or is removed), and the forms that merge it
 * into another ticket or link it (`docs/merge-split-links.md`). Every change goes through
 * `actions.pair`; the view is drawn again from the API afterwards.
 * @module
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/** The kinds an agent picks, as this ticket sees the other. */
export const LINK_KINDS = ["related", "duplicate_of", "follow_up_of", "parent_of", "child_of"];

/**
 * `ticketNumbers`: the numbers of tickets by id (those the agent may see); `ticketIdOf`: the id
 * of the ticket a number names, or null.
 * @typedef {{ open(id: string): void,
 *   pair(method: string, route: string, body?: Record<string, string>): void,
 *   ticketNumbers(ids: string[]): Promise<Map<string, number>>,
 *   ticketIdOf(number: number): Promise<string | null> }} LinkActions
 */

/** Ticket ids are 64-bit snowflakes; anything this short the agent typed is a ticket number. */
const MAX_NUMBER_DIGITS = 10;

/**
 * The ticket the agent typed: `#123` or `123` is a number, a long one an id.
 * @param {string} typed
 * @returns {{ number: number } | { id: string } | null}
 */
export function ticketReference(typed) {
  const digits = typed.trim().replace(/^#/, "");
  if (!/^[1-9][0-9]*$/.test(digits)) return null;
  return digits.length <= MAX_NUMBER_DIGITS ? { number: Number(digits) } : { id: digits };
}

/**
 * What the section lists: one row per related ticket, each with the words that say how.
 * @param {Record<string, any>} ticket
 * @returns {{ ticketId: string, label: string, removable: boolean }[]}
 */
export function linkRows(ticket) {
  const merged = (ticket.merged ?? []).map((/** @type {{ ticketId: string }} */ m) => ({
    ticketId: m.ticketId,
    label: t("links.merged_here"),
    removable: false,
  }));
  const links = (ticket.links ?? []).map((/** @type {{ ticketId: string, kind: string }} */ l) => ({
    ticketId: l.ticketId,
    label: t(`links.kind.${l.kind}`),
    removable: true,
  }));
  return [...merged, ...links];
}

/**
 * @param {Record<string, any>} ticket
 * @param {LinkActions} actions
 */
export function linksElement(ticket, actions) {
  const section = h(
    "section",
    { "aria-labelledby": "links-title", id: "ticket-links" },
    h("h3", { id: "links-title" }, t("links.title")),
    ticket.mergedInto ? mergedElement(ticket.mergedInto, actions) : "",
    h("ul", {}, ...linkRows(ticket).map((row) => rowElement(row, actions))),
    ticket.mergedInto ? "" : formsElement(actions),
  );
  showNumbers(section, actions);
  return section;
}

/** The other tickets are drawn by id at first, then by their numbers once those are read. */
function showNumbers(/** @type {HTMLElement} */ section, /** @type {LinkActions} */ actions) {
  const buttons = [...section.querySelectorAll("button[data-ticket]")];
  const ids = [
    ...new Set(buttons.map((b) => /** @type {string} */ (b.getAttribute("data-ticket")))),
  ];
  if (ids.length === 0) return;
  actions.ticketNumbers(ids).then((numbers) => {
    for (const b of buttons) {
      const number = numbers.get(/** @type {string} */ (b.getAttribute("data-ticket")));
      if (number !== undefined) b.textContent = t("ticket.number", { number });
    }
  }, () => {}); // the ids stay: still a working link
}

/**
 * @param {string} into
 * @param {LinkActions} actions
 */
function mergedElement(into, actions) {
  const open = ticketButton(into, actions);
  const undo = button(t("links.unmerge"), () => actions.pair("POST", "unmerge"));
  undo.id = "unmerge";
  return h("p", { class: "merged" }, t("links.merged_into"), " ", open, " ", undo);
}

/**
 * @param {{ ticketId: string, label: string, removable: boolean }} row
 * @param {LinkActions} actions
 */
function rowElement(row, actions) {
  const open = ticketButton(row.ticketId, actions);
  const remove = row.removable
    ? button(
      t("links.remove"),
      () => actions.pair("DELETE", "links", { ticketId: row.ticketId }),
    )
    : "";
  return h("li", { "data-link": row.ticketId }, `${row.label} `, open, " ", remove);
}

/** @param {LinkActions} actions */
function formsElement(actions) {
  const other = /** @type {HTMLInputElement} */ (h("input", {
    id: "link-ticket",
    pattern: "#?[1-9][0-9]*",
    required: "",
  }));
  /** The id of the ticket typed, or null (the field then says it names none). */
  async function otherId() {
    if (!other.reportValidity()) return null;
    const reference = ticketReference(other.value);
    const id = reference &&
      ("id" in reference
        ? reference.id
        : await actions.ticketIdOf(reference.number).catch(() => null));
    other.setCustomValidity(id ? "" : t("links.no_such_ticket", { typed: other.value.trim() }));
    if (!id) other.reportValidity();
    return id;
  }
  other.addEventListener("input", () => other.setCustomValidity(""));
  const kind = /** @type {HTMLSelectElement} */ (h(
    "select",
    { id: "link-kind" },
    ...LINK_KINDS.map((k) => h("option", { value: k }, t(`links.kind.${k}`))),
  ));
  const link = button(t("links.link"), async () => {
    const id = await otherId();
    if (id) actions.pair("POST", "links", { ticketId: id, kind: kind.value });
  });
  const merge = button(t("links.merge"), async () => {
    const id = await otherId();
    if (id && confirm(t("links.merge_confirm", { id: other.value.trim() }))) {
      actions.pair("POST", "merge", { into: id });
    }
  });
  link.id = "link-add";
  merge.id = "merge-into";
  return h(
    "div",
    { class: "link-form" },
    h("label", {}, t("links.other"), other),
    h("label", {}, t("links.kind"), kind),
    link,
    merge,
  );
}

/** A button opening ticket `id`, named by id until its number is known. */
function ticketButton(/** @type {string} */ id, /** @type {LinkActions} */ actions) {
  const open = button(t("links.open", { id }), () => actions.open(id));
  open.setAttribute("data-ticket", id);
  return open;
}

/**
 * @param {string} label
 * @param {() => void} clicked
 */
function button(label, clicked) {
  const element = /** @type {HTMLButtonElement} */ (h("button", { type: "button" }, label));
  element.addEventListener("click", clicked);
  return element;
}
