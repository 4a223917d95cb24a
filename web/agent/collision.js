/**
 * Collision presence on the open ticket (issue 11): who else views it or types on it, and the
 * short "working on it" claim, as text. Driven by the sessions socket (`ticket_watch`,
 * `ticket_typing` frames out, `collision` frames in); what has expired is hidden by a local
 * timer, never by asking the server. Taking and releasing the claim are the only requests.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { loadNames, personName } from "./people.js";

/** A keystroke signal is sent at most this often. */
const TYPING_EVERY_MS = 2_000;

/**
 * @typedef {{ agentId: string, state: "viewing" | "typing" | "left", expiresAt: string }} Signal
 * @typedef {{ agentId: string, until: string }} Claim
 * @typedef {{ viewing?: string, typing?: string }} Seen when each signal of an agent ends
 * @typedef {{ viewers: Record<string, Seen>, claim: Claim | null }} Presence
 * @typedef {{ type: string, ticketId?: string, viewers?: Signal[], signal?: Signal,
 *   claim?: Claim | null }} CollisionFrame
 */

/** @returns {Presence} */
export function emptyPresence() {
  return { viewers: {}, claim: null };
}

/**
 * The presence after one `collision` frame (pure).
 * @param {Presence} presence
 * @param {CollisionFrame} frame
 * @returns {Presence}
 */
export function applyFrame(presence, frame) {
  /** @type {Record<string, Seen>} */
  let viewers = presence.viewers;
  if (frame.viewers) {
    viewers = Object.fromEntries(frame.viewers.map((s) => [s.agentId, { viewing: s.expiresAt }]));
  }
  if (frame.signal) {
    const { agentId, state, expiresAt } = frame.signal;
    viewers = { ...viewers };
    if (state === "left") delete viewers[agentId];
    else viewers[agentId] = { ...viewers[agentId], [state]: expiresAt };
  }
  const claim = frame.claim === undefined ? presence.claim : frame.claim;
  return { viewers, claim };
}

/**
 * What to show at `now` (pure): others typing (else viewing), and the claim while it holds.
 * @param {Presence} presence
 * @param {string} me
 * @param {number} now
 * @returns {{ key: string, values: Record<string, string> }[]}
 */
export function presenceLines(presence, me, now) {
  const holds = (/** @type {string | undefined} */ end) =>
    end !== undefined && Date.parse(end) > now;
  const lines = [];
  for (const [agentId, seen] of Object.entries(presence.viewers)) {
    if (agentId === me) continue;
    const state = holds(seen.typing) ? "typing" : holds(seen.viewing) ? "viewing" : null;
    if (state) lines.push({ key: `collision.${state}`, values: { name: personName(agentId) } });
  }
  const claim = presence.claim;
  if (claim && holds(claim.until)) {
    const time = new Date(claim.until).toLocaleTimeString(language(), {
      hour: "2-digit",
      minute: "2-digit",
    });
    const key = claim.agentId === me ? "collision.mine" : "collision.claimed";
    lines.push({ key, values: { name: personName(claim.agentId), time } });
  }
  return lines;
}

/**
 * The earliest moment something shown ends after `now` (ms), or null.
 * @param {Presence} presence
 * @param {number} now
 */
function nextExpiry(presence, now) {
  const ends = Object.values(presence.viewers).flatMap((s) => [s.viewing, s.typing]);
  if (presence.claim) ends.push(presence.claim.until);
  const later = ends.filter((e) => e !== undefined).map((e) =>
    Date.parse(/** @type {string} */ (e))
  )
    .filter((e) => e > now);
  return later.length ? Math.min(...later) : null;
}

/** @type {ReturnType<typeof collisionDesk> | null} */
let active = null;

/**
 * The panel for `ticketId`, drawn by the workspace's collision desk (a placeholder before it
 * starts). The ticket view calls this each time it draws the ticket.
 * @param {string} ticketId
 */
export function collisionElement(ticketId) {
  return active ? active.open(ticketId) : h("div", { id: "collision" });
}

/**
 * Starts collision presence for the signed-in agent.
 * @param {{ send(frame: object): boolean, api: import("../shared/api.js").Api, me: string,
 *   failed(error: unknown): void }} deps
 */
export function collisionDesk(deps) {
  let ticketId = /** @type {string | null} */ (null);
  let presence = emptyPresence();
  let lastTyping = 0;
  /** @type {string | null} */
  let refusal = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let expiry;
  const panel = h("section", { id: "collision", "aria-live": "polite" });

  /** People this desk has asked identity to name (each once): ids still show until then. */
  const named = new Set();
  function nameNewPeople() {
    const ids = [...Object.keys(presence.viewers), presence.claim?.agentId]
      .filter((id) => id !== undefined && id !== deps.me && !named.has(id));
    if (ids.length === 0) return;
    for (const id of ids) named.add(id);
    loadNames(deps.api, /** @type {string[]} */ (ids)).then(draw, () => {});
  }

  function draw() {
    clearTimeout(expiry);
    nameNewPeople();
    const now = Date.now();
    const lines = presenceLines(presence, deps.me, now).map((l) =>
      h("p", { class: "collision-line" }, t(l.key, l.values))
    );
    const mine = presence.claim?.agentId === deps.me && Date.parse(presence.claim.until) > now;
    const take = h(
      "button",
      { type: "button", id: "claim" },
      t(mine ? "collision.renew" : "collision.take"),
    );
    take.addEventListener("click", () => claim("PUT"));
    const buttons = [take];
    if (mine) {
      const release = h("button", { type: "button", id: "release-claim" }, t("collision.release"));
      release.addEventListener("click", () => claim("DELETE"));
      buttons.push(release);
    }
    const refused = refusal ? [h("p", { class: "error", role: "alert" }, refusal)] : [];
    panel.replaceChildren(...lines, ...refused, h("div", { class: "actions" }, ...buttons));
    const next = nextExpiry(presence, now);
    if (next !== null) expiry = setTimeout(draw, next - now + 50);
  }

  /** @param {"PUT" | "DELETE"} method */
  async function claim(method) {
    if (!ticketId) return;
    refusal = null;
    try {
      const answer = await deps.api.send(
        method,
        `/sessions/v1/tickets/${ticketId}/claim`,
        undefined,
      );
      presence = { ...presence, claim: answer?.claim ?? null };
    } catch (error) {
      const e = /** @type {{ code?: string }} */ (error);
      if (e.code !== "claimed") return deps.failed(error);
      refusal = t("collision.refused");
    }
    draw();
  }

  document.addEventListener("input", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.id !== "composer" || !ticketId || Date.now() - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = Date.now();
    deps.send({ type: "ticket_typing", ticketId });
  });

  const desk = {
    /** @param {string} id */
    open(id) {
      if (id !== ticketId) {
        if (ticketId) deps.send({ type: "ticket_leave", ticketId });
        ticketId = id;
        presence = emptyPresence();
        refusal = null;
        deps.send({ type: "ticket_watch", ticketId });
      }
      draw();
      return panel;
    },
    /** @param {CollisionFrame} frame */
    received(frame) {
      if (frame.type !== "collision" || frame.ticketId !== ticketId) return;
      presence = applyFrame(presence, frame);
      draw();
    },
    /** After a (re)connect the server knows nothing of this socket: watch again. */
    /** @param {boolean} on */
    live(on) {
      if (on && ticketId) deps.send({ type: "ticket_watch", ticketId });
    },
  };
  active = desk;
  return desk;
}
