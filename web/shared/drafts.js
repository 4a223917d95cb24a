/**
 * Composer drafts (the agent composer, the portal's answer box): what was typed per ticket
 * survives the view being drawn again (every push redraws it), and each intended message keeps
 * one Idempotency-Key until it went through, so a retry or a double-click is one message.
 * @module
 */

/**
 * What the agent typed per ticket, kept across re-renders of the view (pushes redraw it), and
 * the Idempotency-Key of the message being sent, kept until it went through.
 */
export function composerDrafts() {
  /** @type {Map<string, string>} */
  const texts = new Map();
  /** @type {Map<string, { what: string, key: string }>} */
  const keys = new Map();
  return {
    /** @param {string} ticketId */
    of: (ticketId) => ({
      get: () => texts.get(ticketId) ?? "",
      set: (/** @type {string} */ text) => texts.set(ticketId, text),
    }),
    /** The same key for the same message until it is sent. */
    key(
      /** @type {string} */ ticketId,
      /** @type {string} */ body,
      /** @type {boolean} */ internal,
    ) {
      const what = `${internal}:${body}`;
      const known = keys.get(ticketId);
      if (known?.what === what) return known.key;
      const key = crypto.randomUUID();
      keys.set(ticketId, { what, key });
      return key;
    },
    /** @param {string} ticketId */
    sent(ticketId) {
      texts.delete(ticketId);
      keys.delete(ticketId);
    },
  };
}
