/**
 * A ticket's similar tickets for the side panel: routing names them (ids, numbers, statuses;
 * it never holds their text), and their subjects are read from the tickets API in one
 * `GET /v1/tickets?id=..&id=..` request, not one per ticket.
 * @module
 */

/**
 * @typedef {{ ticketId: string, number: number, status: string, subject: string | null }}
 *   Similar
 * @param {import("../shared/api.js").Api} api
 * @param {string} ticketId
 * @param {number} limit
 * @returns {Promise<Similar[]>}
 */
export async function loadSimilar(api, ticketId, limit) {
  const { items } = await api.get(`/routing/v1/routing/tickets/${ticketId}/similar?limit=${limit}`);
  if (items.length === 0) return [];
  const wanted = new URLSearchParams(items.map((/** @type {any} */ s) => ["id", s.ticketId]));
  wanted.set("limit", String(items.length));
  /** @type {Map<string, string | null>} */
  const subjects = new Map();
  try {
    const { tickets } = await api.get(`/tickets/v1/tickets?${wanted}`);
    for (const ticket of tickets) subjects.set(ticket.id, ticket.subject ?? null);
  } catch {
    // Without subjects the list still shows numbers and statuses.
  }
  return items.map((/** @type {any} */ s) => ({ ...s, subject: subjects.get(s.ticketId) ?? null }));
}
