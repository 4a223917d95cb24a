/**
 * Display names of the tenant's agents for the workspace, from routing's agent profiles
 * (`GET /routing/agents`, which agents may read), loaded once per page in as few requests as
 * the page size allows (one for up to `PAGE` agents), never one per row. Customers keep their
 * ids: agents may not read identity's users, and a widget visitor is no identity user at all.
 * @module
 */

/** Routing's largest page (`TICKETD_MAX_PAGE_SIZE`, default 200). */
const PAGE = 200;

/** @type {Map<string, string>} agent id -> display name */
const names = new Map();
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
 * The name to show for a person: an agent's display name, else the id itself.
 * @param {string} id
 */
export function personName(id) {
  return names.get(id) ?? id;
}
