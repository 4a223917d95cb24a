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
 * @typedef {{ open(id: string): void,
 *   pair(method: string, route: string, body?: Record<string, string>): void }} LinkActions
 */

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
  return h(
    "section",
    { "aria-labelledby": "links-title", id: "ticket-links" },
    h("h3", { id: "links-title" }, t("links.title")),
    ticket.mergedInto ? mergedElement(ticket.mergedInto, actions) : "",
    h("ul", {}, ...linkRows(ticket).map((row) => rowElement(row, actions))),
    ticket.mergedInto ? "" : formsElement(actions),
  );
}

/**
 * @param {string} into
 * @param {LinkActions} actions
 */
function mergedElement(into, actions) {
  const open = button(t("links.open", { id: into }), () => actions.open(into));
  const undo = button(t("links.unmerge"), () => actions.pair("POST", "unmerge"));
  undo.id = "unmerge";
  return h("p", { class: "merged" }, t("links.merged_into"), " ", open, " ", undo);
}

/**
 * @param {{ ticketId: string, label: string, removable: boolean }} row
 * @param {LinkActions} actions
 */
function rowElement(row, actions) {
  const open = button(t("links.open", { id: row.ticketId }), () => actions.open(row.ticketId));
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
    inputmode: "numeric",
    pattern: "[1-9][0-9]*",
    required: "",
  }));
  const kind = /** @type {HTMLSelectElement} */ (h(
    "select",
    { id: "link-kind" },
    ...LINK_KINDS.map((k) => h("option", { value: k }, t(`links.kind.${k}`))),
  ));
  const link = button(t("links.link"), () => {
    if (other.reportValidity()) {
      actions.pair("POST", "links", { ticketId: other.value, kind: kind.value });
    }
  });
  const merge = button(t("links.merge"), () => {
    if (other.reportValidity() && confirm(t("links.merge_confirm", { id: other.value }))) {
      actions.pair("POST", "merge", { into: other.value });
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

/**
 * @param {string} label
 * @param {() => void} clicked
 */
function button(label, clicked) {
  const element = /** @type {HTMLButtonElement} */ (h("button", { type: "button" }, label));
  element.addEventListener("click", clicked);
  return element;
}
