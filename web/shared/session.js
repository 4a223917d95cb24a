/**
 * One page's sign-in state: the session from the PKCE return, and `token()`, which refreshes the
 * access token a minute before it expires (the refresh token rotates). Memory only.
 * @module
 */
import { completeSignIn, refreshSession, signOut } from "./auth.js";

const REFRESH_EARLY_MS = 60_000;

/**
 * @param {string} clientId
 * @param {string} [callbackPath] as given to beginSignIn
 */
export function pageSession(clientId, callbackPath = "/callback") {
  /** @type {import("./auth.js").Session | null} */
  let session = null;
  return {
    /** Finishes a sign-in return; false when this page is not one. */
    async complete() {
      session = await completeSignIn(clientId, callbackPath);
      return session !== null;
    },
    me() {
      if (!session) throw new Error("signed_out");
      return session.me;
    },
    async token() {
      if (!session) throw new Error("signed_out");
      if (session.expiresAt - Date.now() < REFRESH_EARLY_MS) {
        session = await refreshSession(clientId, session);
      }
      return session.accessToken;
    },
    async end() {
      if (session) await signOut(clientId, session);
      session = null;
    },
  };
}
