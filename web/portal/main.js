/**
 * The customer portal's entry: sign in (the console's public client, back to
 * `/portal/callback`), then the customer's tickets, a new ticket with uploads, the pushed
 * changes to them (the sessions socket) and the language.
 * @module
 */
import { apiClient } from "../shared/api.js";
import { beginSignIn } from "../shared/auth.js";
import { byId } from "../shared/dom.js";
import { errorLine } from "../shared/failure.js";
import { addMessages, t } from "../shared/i18n.js";
import { followNotifications } from "../shared/live.js";
import { pageLanguage } from "../shared/page_language.js";
import { pageSession } from "../shared/session.js";
import messages from "./messages.js";
import { portal } from "./portal.js";

const CLIENT_ID = "console";
const CALLBACK = "/portal/callback";

addMessages(messages);
const session = pageSession(CLIENT_ID, CALLBACK);

const errors = errorLine(byId("error"));
const failed = errors.failed;

function boot() {
  const language = pageLanguage();
  byId("signin-button").addEventListener("click", () => beginSignIn(CLIENT_ID, CALLBACK));
  session.complete().then((signedIn) => {
    if (!signedIn) {
      byId("signin").hidden = false;
      return;
    }
    const view = portal(apiClient(session.token), session, failed, errors.clear);
    const feed = followNotifications({
      token: session.token,
      onNotification: view.notified,
      onLive: view.live,
    });
    language.addEventListener("change", () => {
      errors.redraw();
      view.redraw();
    });
    byId("portal").hidden = false;
    byId("signout").hidden = false;
    byId("signout").addEventListener("click", async () => {
      feed.stop();
      await session.end();
      location.assign("/portal/");
    });
    view.start().catch(failed);
  }).catch((error) => {
    byId("signin").hidden = false;
    byId("signin-error").textContent = t("signin.failed", { code: error.message });
  });
}

boot();
