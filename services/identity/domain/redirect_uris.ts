/**
 * Which redirect URIs a client may register: absolute `https:` URIs, or `http:` on a loopback
 * host (`127.0.0.1`, `[::1]`, `localhost`, for development and native apps, RFC 8252 §7.3); no
 * fragment (RFC 6749 §3.1.2), no user info, no white space or control characters. Anything else
 * (`javascript:`, `data:`, `http://` to another host, relative URIs) is refused: the code would
 * travel in the clear or to a page that runs it. Private-use schemes (`com.example.app:/cb`,
 * RFC 8252 §7.1) are not accepted: Ticketd has no native app, and one can use a loopback URI.
 * Pure.
 * @module
 */

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);
const MAX_CHARS = 2000;

/** Why `uri` may not be registered as a redirect URI, or null when it may. */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length === 0 || uri.length > MAX_CHARS) return `must be 1..${MAX_CHARS} characters`;
  // The URL parser would quietly drop tabs, new lines and surrounding spaces: refuse them.
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return "must not contain white space or control characters";
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) || !URL.canParse(uri)) return "must be an absolute URI";
  if (uri.includes("#")) return "must not have a fragment (#...)";
  const url = new URL(uri);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return "must be https: (or http: on 127.0.0.1, [::1] or localhost)";
  }
  if (!uri.slice(url.protocol.length).startsWith("//")) return "must be an absolute URI";
  if (/^[a-z]+:\/\/[^/?]*@/i.test(uri)) return "must not contain user info (user@host)";
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) {
    return "may use http: only on a loopback host (127.0.0.1, [::1], localhost); use https:";
  }
  return null;
}
