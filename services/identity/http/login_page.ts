/**
 * The minimal HTML of the authorization endpoint: a sign-in form carrying the authorization
 * request in hidden fields, an error page for requests that cannot be redirected, and the
 * development callback page. Every value is HTML-escaped; pages may not be framed.
 * @module
 */

/** Headers of every page: no framing, no caching, no referrer leaking the code. */
export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

const STYLE = "body{font:16px system-ui;max-width:24rem;margin:4rem auto;padding:0 1rem}" +
  "label,input,button{display:block;width:100%;margin:.25rem 0 .75rem}" +
  ".error{color:#a00}";

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>` +
    `<style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The sign-in form; `params` are the authorization request, sent back as hidden fields. */
export function loginPage(
  clientName: string,
  params: Record<string, string>,
  error?: { code: string; message: string },
): string {
  const hidden = Object.entries(params)
    .map(([name, value]) =>
      `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`
    ).join("");
  const problem = error
    ? `<p class="error" data-code="${escapeHtml(error.code)}">${escapeHtml(error.message)}</p>`
    : "";
  return page(
    "Sign in",
    `<h1>Sign in</h1><p>to ${escapeHtml(clientName)}</p>${problem}` +
      `<form method="post" action="/oauth/authorize">${hidden}` +
      `<label>User name<input name="username" autocomplete="username" required></label>` +
      `<label>Password<input name="password" type="password" autocomplete="current-password"` +
      ` required></label><button type="submit">Sign in</button></form>`,
  );
}

/** A request that cannot be sent back to the client (unknown client, unregistered redirect). */
export function errorPage(code: string, message: string): string {
  return page(
    "Cannot sign in",
    `<h1>Cannot sign in</h1><p class="error" data-code="${escapeHtml(code)}">` +
      `${escapeHtml(message)}</p>`,
  );
}

/** The development callback: shows the code, so a curl user can exchange it. */
export function callbackPage(params: URLSearchParams): string {
  const rows = [...params].map(([name, value]) =>
    `<dt>${escapeHtml(name)}</dt><dd><code>${escapeHtml(value)}</code></dd>`
  ).join("");
  return page("Signed in", `<h1>Authorization response</h1><dl>${rows}</dl>`);
}
