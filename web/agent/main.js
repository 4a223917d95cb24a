/**
 * The agent workspace's entry: sign in (or finish signing in), then start the workspace, the
 * live notifications, presence, search, the language switch and the keyboard map.
 * @module
 */
import { apiClient } from "../shared/api.js";
import { beginSignIn, completeSignIn, refreshSession, signOut } from "../shared/auth.js";
import { byId } from "../shared/dom.js";
import { errorLine } from "../shared/failure.js";
import { addMessages, t } from "../shared/i18n.js";
import { followNotifications } from "../shared/live.js";
import { pageLanguage } from "../shared/page_language.js";
import { chatDesk } from "./chat.js";
import { collisionDesk } from "./collision.js";
import { bindKeys } from "./keyboard.js";
import { presenceToggle } from "./presence.js";
import messages from "./messages.js";
import { workspace } from "./workspace.js";

const CLIENT_ID = "console";
const REFRESH_EARLY_MS = 60_000;
/** Who may use the workspace; a customer is sent to the portal instead. */
const STAFF = ["agent", "supervisor", "admin"];

/** @type {import("../shared/auth.js").Session | null} */
let session = null;
/** @type {ReturnType<typeof followNotifications> | null} */
let feed = null;

async function token() {
  if (!session) throw new Error("signed_out");
  if (session.expiresAt - Date.now() < REFRESH_EARLY_MS) {
    session = await refreshSession(CLIENT_ID, session);
  }
  return session.accessToken;
}

addMessages(messages);
const errors = errorLine(byId("error"));

function boot() {
  const language = pageLanguage();
  byId("signin-button").addEventListener("click", () => beginSignIn(CLIENT_ID));
  completeSignIn(CLIENT_ID).then((signedIn) => {
    session = signedIn;
    if (session) start(language);
    else byId("signin").hidden = false;
  }).catch((error) => {
    byId("signin").hidden = false;
    byId("signin-error").textContent = t("signin.failed", { code: error.message });
  });
}

/** @param {HTMLSelectElement} language */
async function start(language) {
  const me = /** @type {import("../shared/auth.js").Session} */ (session).me;
  byId("signout").hidden = false;
  byId("signout").addEventListener("click", async () => {
    feed?.stop();
    if (session) await signOut(CLIENT_ID, session);
    session = null;
    location.assign("/");
  });
  if (!STAFF.includes(me.role)) {
    byId("refused").hidden = false;
    byId("refused-text").textContent = t("refused.text", { role: me.role });
    return;
  }
  const api = apiClient(token);
  const desk = workspace(api, me, errors.failed, errors.clear);
  for (const id of ["workspace", "search-form", "presence-box", "live"]) {
    byId(id).hidden = false;
  }
  const live = byId("live");
  live.textContent = t("live.off");
  // What was pushed while the socket was down is lost: read it all again on a reconnect.
  let connected = false;
  feed = followNotifications({
    token,
    onNotification: desk.notified,
    onLive: (on) => {
      live.textContent = t(on ? "live.on" : "live.off");
      live.dataset.live = String(on);
      collision.live(on);
      chat.live(on);
      if (on && connected) desk.reload();
      if (on) connected = true;
    },
    onFrame: (frame) => {
      collision.received(frame);
      chat.received(frame);
    },
  });
  const failed = errors.failed;
  const collision = collisionDesk({ send: feed.send, api, me: me.sub, failed });
  const chat = chatDesk({ send: feed.send, api, me: me.sub, failed });
  presenceToggle(api, /** @type {HTMLSelectElement} */ (byId("presence")), failed);
  language.addEventListener("change", () => {
    live.textContent = t(live.dataset.live === "true" ? "live.on" : "live.off");
    errors.redraw();
    desk.redraw();
  });
  const search = /** @type {HTMLInputElement} */ (byId("search"));
  byId("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    desk.search(search.value.trim());
  });
  bindKeys({
    move: desk.move,
    open: desk.openSelected,
    reply: () => document.getElementById("composer")?.focus(),
    search: () => search.focus(),
    help: () => /** @type {HTMLDialogElement} */ (byId("help")).showModal(),
  });
  await desk.start().catch(failed);
}

boot();
