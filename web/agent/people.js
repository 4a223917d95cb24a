/**
 * Names of people for the workspace, cached for the page, never asked one row at a time:
 * agents' display names from routing's agent profiles (`GET /routing/agents`, which agents may
 * read), loaded once (one request for up to `PAGE` agents); other people (customers) by their
 * identity username, asked for only those ids not known yet, in one `GET /identity/people?id=..`.
 * An id that names no identity user (a widget visitor's, a service's) is shown as it is.
 * @module
 */

/** Routing's largest page (`TICKETD_MAX_PAGE_SIZE`, default 200). */
const PAGE = 200;
/** Ids per names request (identity allows `TICKETD_MAX_PAGE_SIZE`, default 200). */
const IDS_PER_REQUEST = 100;

/** @type {Map<string, string>} agent id -> display name (routing) */
const names = new Map();
/** @type {Map<string, string>} user id -> username (identity), where no display name is */
const usernames = new Map();
/** Ids asked of identity already (named or not), so none is asked twice. */
const asked = new Set();
/** @type {Promise<void> | null} */
let loading = null;

/**
 * Loads the agents' names once; later calls wait for the same load. A failure leaves ids
 * shown (and is retried on the next call).
 * @param {import("../shared/api.js").Api} api
 */
export function loadPeople(api) {
  loading ??= readAll(api).catch(() => {
    loading = null;
  });
  return loading;
}

/** @param {import("../shared/api.js").Api} api */
async function readAll(api) {
  /** @type {string | null} */
  let after = null;
  do {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (after) query.set("after", after);
    const page = await api.get(`/routing/v1/routing/agents?${query}`);
    for (const agent of page.agents) {
      if (agent.displayName) names.set(agent.agentId, agent.displayName);
    }
    after = page.next;
  } while (after);
}

/**
 * Asks identity for the names of those of `ids` not asked yet (beside the agents' load, not
 * after it). A failure leaves ids shown.
 * @param {import("../shared/api.js").Api} api
 * @param {Iterable<string>} ids
 */
export async function loadNames(api, ids) {
  const unknown = [...new Set(ids)].filter((id) => id && !asked.has(id));
  for (let i = 0; i < unknown.length; i += IDS_PER_REQUEST) {
    const chunk = unknown.slice(i, i + IDS_PER_REQUEST);
    for (const id of chunk) asked.add(id);
    const query = new URLSearchParams(chunk.map((id) => ["id", id]));
    try {
      const { people } = await api.get(`/identity/people?${query}`);
      for (const person of people) usernames.set(person.id, person.name);
    } catch {
      for (const id of chunk) asked.delete(id); // asked again with the next ticket
    }
  }
}

/**
 * The people a ticket names: its requester, its messages' authors, who made its changes.
 * @param {{ requesterId?: string, messages?: { authorId: string }[] }} ticket
 * @param {{ actor: { id: string } }[]} history
 */
export function peopleOf(ticket, history) {
  return [
    ticket.requesterId ?? "",
    ...(ticket.messages ?? []).map((m) => m.authorId),
    ...history.map((entry) => entry.actor.id),
  ];
}

/**
 * The name to show for a person: an agent's display name, a user's name, else the id itself.
 * @param {string} id
 */
export function personName(id) {
  return names.get(id) ?? usernames.get(id) ?? id;
}
