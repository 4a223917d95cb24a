/**
 * The open ticket's status select: each built-in category as a group holding its built-in
 * name and the tenant's live custom statuses of that category (`GET /v1/statuses`, asked once
 * per draw). Choosing a custom one sends `customStatusId`, a built-in one `status`. A ticket
 * holding a status retired since keeps showing its name (as a disabled choice).
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";

export const CATEGORIES = ["new", "open", "pending", "on_hold", "solved", "closed"];
/** An option's value for a custom status (built-in ones are the category itself). */
const CUSTOM = "custom:";

/**
 * @typedef {{ id: string, category: string, names: { en: string, zh?: string },
 *   retired: boolean }} CustomStatus
 * @typedef {{ statuses(): Promise<CustomStatus[]>, status(s: string): Promise<boolean>,
 *   customStatus(id: string): Promise<boolean> }} StatusActions
 */

/**
 * A custom status's name in the page's language (English when it has no Chinese one).
 * @param {CustomStatus} status
 */
export function customStatusName(status) {
  return (language().startsWith("zh") && status.names.zh) || status.names.en;
}

/** The tenant's custom statuses (retired ones too: tickets may still hold them), by id. */
const knownStatuses = new Map();

/** @param {CustomStatus[]} statuses as `GET /v1/statuses` lists them */
export function rememberStatuses(statuses) {
  for (const status of statuses) knownStatuses.set(status.id, status);
}

/**
 * What a ticket's status reads as: its custom status's name when it has one we know, else the
 * built-in state's.
 * @param {string} status
 * @param {string | null | undefined} customStatusId
 */
export function statusLabel(status, customStatusId) {
  const custom = customStatusId ? knownStatuses.get(customStatusId) : undefined;
  return custom ? customStatusName(custom) : t(`status.${status}`);
}

/**
 * @param {Record<string, any>} ticket its `status` and `customStatusId`
 * @param {StatusActions} actions
 */
export function statusSelectElement(ticket, actions) {
  const current = ticket.customStatusId ? CUSTOM + ticket.customStatusId : ticket.status;
  const select = /** @type {HTMLSelectElement} */ (h("select", { id: "ticket-status" }));
  const draw = (/** @type {CustomStatus[]} */ custom) => {
    select.replaceChildren(...CATEGORIES.map((category) => {
      const shown = custom.filter((s) =>
        s.category === category && (!s.retired || CUSTOM + s.id === current)
      );
      return h(
        "optgroup",
        { label: t(`status.${category}`) },
        h("option", { value: category }, t(`status.${category}`)),
        ...shown.map((s) =>
          h("option", { value: CUSTOM + s.id, disabled: s.retired }, customStatusName(s))
        ),
      );
    }));
    select.value = current;
  };
  draw([]);
  // Until the catalogue is in, a ticket in a custom status shows its category.
  if (ticket.customStatusId) select.value = ticket.status;
  actions.statuses().then(draw, () => {});
  // A refused change shows the ticket's actual value again, not the one picked.
  select.addEventListener("change", async () => {
    const value = select.value;
    const done = value.startsWith(CUSTOM)
      ? await actions.customStatus(value.slice(CUSTOM.length))
      : await actions.status(value);
    if (!done) select.value = current;
  });
  return select;
}
