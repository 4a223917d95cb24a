/**
 * Sign-in with the identity service's authorization code + PKCE flow (the console is a public
 * client). The verifier and state live in sessionStorage only between leaving for the sign-in
 * form and coming back; the tokens live in memory only (no cookie, so no CSRF surface; a reload
 * signs in again). The access token is refreshed (rotating refresh token) before it expires.
 * @module
 */

const PENDING = "ticketd.signin";

/**
 * @typedef {{ sub: string, tenant: string, role: string, groups: string[] }} Me
 * @typedef {{ accessToken: string, refreshToken?: string, expiresAt: number, me: Me }} Session
 */

/** @param {Uint8Array} bytes */
function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** @param {number} n */
function randomString(n) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

/** @param {string} verifier */
async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * Leaves for the sign-in form (served by identity on this origin, `/oauth/authorize`).
 * @param {string} clientId
 * @param {string} [callbackPath] where identity sends the browser back (a registered URI)
 */
export async function beginSignIn(clientId, callbackPath = "/callback") {
  const verifier = randomString(32);
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: `${location.origin}${callbackPath}`,
    scope: "tickets users",
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
    state,
  });
  location.assign(`/oauth/authorize?${query}`);
}

/**
 * On `/callback`: checks `state` against this browser session's, exchanges the code with its
 * verifier, and forgets both. Returns null when this page is not a sign-in return.
 * @param {string} clientId
 * @param {string} [callbackPath] as given to beginSignIn; the page returns to its folder
 * @returns {Promise<Session | null>}
 */
export async function completeSignIn(clientId, callbackPath = "/callback") {
  if (location.pathname !== callbackPath) return null;
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", callbackPath.replace(/callback$/, ""));
  const code = params.get("code");
  if (!pending || !code || params.get("state") !== pending.state) {
    throw new Error("signin_state_mismatch");
  }
  return await tokenRequest({
    grant_type: "authorization_code",
    client_id: clientId,
    code,
    redirect_uri: `${location.origin}${callbackPath}`,
    code_verifier: pending.verifier,
  });
}

/**
 * A new session from the refresh token (which rotates).
 * @param {string} clientId
 * @param {Session} session
 */
export async function refreshSession(clientId, session) {
  if (!session.refreshToken) throw new Error("signin_expired");
  return await tokenRequest({
    grant_type: "refresh_token",
    client_id: clientId,
    refresh_token: session.refreshToken,
  });
}

/**
 * Revokes the refresh token (ends the sign-in's family); errors are ignored: signing out goes on.
 * @param {string} clientId
 * @param {Session} session
 */
export async function signOut(clientId, session) {
  if (!session.refreshToken) return;
  const body = new URLSearchParams({ client_id: clientId, token: session.refreshToken });
  await fetch("/oauth/revoke", { method: "POST", body }).catch(() => {});
}

/**
 * @param {Record<string, string>} form
 * @returns {Promise<Session>}
 */
async function tokenRequest(form) {
  const response = await fetch("/oauth/token", {
    method: "POST",
    body: new URLSearchParams(form),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ?? "signin_failed");
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: Date.now() + answer.expires_in * 1000,
    me: claimsOf(answer.access_token),
  };
}

/**
 * The claims the console shows and filters by; the services check the token, not this.
 * @param {string} token
 * @returns {Me}
 */
function claimsOf(token) {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const claims = JSON.parse(new TextDecoder().decode(
    Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)),
  ));
  return {
    sub: claims.sub,
    tenant: claims.tenant,
    role: (claims.roles ?? [])[0] ?? "customer",
    groups: claims.groups ?? [],
  };
}
