/**
 * `GET /oauth/authorize` shows the sign-in form, `POST /oauth/authorize` checks it and sends the
 * browser back with `code`, `state` and `iss`. The client and its redirect URI are checked
 * (exactly) first: errors about them are shown, never redirected anywhere.
 * @module
 */
import { type Context, Hono } from "hono";
import { DomainError } from "@ticketd/shared/errors.ts";
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { clientAddress, hashKey } from "@ticketd/shared/http/rate_limit.ts";
import { type RequestActivity, requestSource } from "@ticketd/shared/activity/request_source.ts";
import type { IdentityRateLimits } from "../config.ts";
import { checkChallenge } from "../domain/pkce.ts";
import { redirectUriProblem } from "../domain/redirect_uris.ts";
import { grantScope } from "../domain/scopes.ts";
import { type LoginDeps, normaliseUsername, signIn } from "../login.ts";
import type { Client, ClientStore } from "../store/clients.ts";
import type { GrantStore } from "../store/grants.ts";
import { digest, opaqueToken } from "../tokens.ts";
import { type FormLimits, readForm, uniqueParams } from "./form.ts";
import { callbackPage, errorPage, loginPage, PAGE_HEADERS } from "./login_page.ts";

export interface AuthorizeRoutesDeps {
  issuer: string;
  clients: ClientStore;
  grants: GrantStore;
  login: LoginDeps;
  codeSeconds: number;
  limits: FormLimits;
  rateLimits: IdentityRateLimits;
  now: () => Date;
  activity: RequestActivity;
}

const REQUEST_PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
];

interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  /** False when the request left redirect_uri out (the client's only one is used). */
  redirectUriGiven: boolean;
  scope: string;
  codeChallenge: string;
  state?: string;
  /** The request as received, for the form's hidden fields. */
  params: Record<string, string>;
}

/** The authorization endpoint and the development callback page. */
export function authorizeRoutes(deps: AuthorizeRoutesDeps): Hono {
  const app = new Hono();
  app.get("/authorize", async (c) => {
    const request = await validate(deps, c, uniqueParams(new URL(c.req.url).searchParams));
    if (request instanceof Response) return request;
    return c.html(loginPage(request.client.name, request.params), 200, PAGE_HEADERS);
  });
  app.post("/authorize", async (c) => {
    const form = await readForm(c, deps.limits);
    const request = await validate(deps, c, form);
    if (request instanceof Response) return request;
    try {
      const user = await signIn(deps.login, {
        tenant: request.client.tenant,
        username: form.get("username") ?? "",
        password: form.get("password") ?? "",
        address: clientAddress(c, deps.rateLimits),
      });
      const code = opaqueToken();
      await deps.grants.createCode(digest(code), {
        tenant: user.tenant,
        clientId: request.client.clientId,
        userId: user.id,
        redirectUri: request.redirectUriGiven ? request.redirectUri : null,
        codeChallenge: request.codeChallenge,
        scope: request.scope,
        sessionEpoch: user.sessionEpoch,
        expiresAt: new Date(deps.now().getTime() + deps.codeSeconds * 1000),
      });
      await deps.activity.recorder.recordOrLog({
        tenant: user.tenant,
        actor: { id: user.id, role: user.role },
        action: "identity.session.created",
        target: { type: "user", id: user.id },
        outcome: "ok",
        source: requestSource(c, deps.activity.address),
        changes: { clientId: request.client.clientId },
      });
      return redirect(deps, request.redirectUri, { code, state: request.state });
    } catch (error) {
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      await recordFailedSignIn(c, deps, request.client.tenant, form.get("username"), error);
      return signInRefused(c, request, error);
    }
  });
  app.get("/callback", (c) => {
    return c.html(callbackPage(new URL(c.req.url).searchParams), 200, PAGE_HEADERS);
  });
  return app;
}

/** The checked request, or the response that refuses it (a page, or a redirect with an error). */
async function validate(
  deps: AuthorizeRoutesDeps,
  c: Context,
  params: Map<string, string>,
): Promise<AuthorizationRequest | Response> {
  const show = (code: string, message: string) =>
    c.html(errorPage(code, message), 400, PAGE_HEADERS);
  const clientId = params.get("client_id");
  if (!clientId) {
    return show(
      "invalid_request",
      "The request has no client_id. Start from the application you want to use, or see " +
        'docs/identity.md, "Flows", for the parameters of /oauth/authorize.',
    );
  }
  const client = await deps.clients.find(clientId);
  if (!client) return show("invalid_client", "The application asking you to sign in is unknown.");
  const redirectUri = params.get("redirect_uri") ??
    (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri) {
    return show(
      "invalid_request",
      `The request has no redirect_uri; client "${client.clientId}" has several registered, ` +
        "so the request must name one.",
    );
  }
  // Registered URIs are checked when added; this also stops one added before that check. Our
  // own callback page is on the issuer's origin, as the form is, even if that is plain http.
  const ownCallback = redirectUri === `${deps.issuer}/oauth/callback`;
  if (
    !client.redirectUris.includes(redirectUri) || (!ownCallback && redirectUriProblem(redirectUri))
  ) {
    return show("invalid_redirect_uri", "The redirect URI is not registered for this client.");
  }
  const state = params.get("state");
  const back = (error: string, description: string) =>
    redirect(deps, redirectUri, { error, error_description: description, state });
  if (params.get("response_type") !== "code") {
    return back("unsupported_response_type", "response_type must be code");
  }
  if (!client.grantTypes.includes("authorization_code")) {
    return back("unauthorized_client", "This client may not use the authorization code grant");
  }
  try {
    const codeChallenge = checkChallenge(
      params.get("code_challenge_method"),
      params.get("code_challenge"),
    );
    const scope = grantScope(params.get("scope"), client.scopes).join(" ");
    const echoed = REQUEST_PARAMS.filter((name) => params.has(name))
      .map((name) => [name, params.get(name)!]);
    return {
      client,
      redirectUri,
      redirectUriGiven: params.has("redirect_uri"),
      scope,
      codeChallenge,
      state,
      params: Object.fromEntries(echoed),
    };
  } catch (error) {
    if (error instanceof DomainError) return back(error.code, error.message);
    throw error;
  }
}

/**
 * Who failed is not known (that is the point), and a user name can be personal: the fact names
 * the attempt by the same digest the logs use.
 */
async function recordFailedSignIn(
  c: Context,
  deps: AuthorizeRoutesDeps,
  tenant: string,
  username: string | undefined,
  error: DomainError,
): Promise<void> {
  await deps.activity.recorder.recordOrLog({
    tenant,
    actor: { id: "anonymous", role: "anonymous" },
    action: "identity.login.failed",
    target: { type: "login", id: hashKey(normaliseUsername(username ?? "").slice(0, 256)) },
    outcome: error.code === "invalid_credentials" ? "failed" : "denied",
    source: requestSource(c, deps.activity.address),
    changes: { code: error.code },
  });
}

function redirect(
  deps: AuthorizeRoutesDeps,
  redirectUri: string,
  values: Record<string, string | undefined>,
): Response {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...values, iss: deps.issuer })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return new Response(null, {
    status: 303,
    headers: { location: url.href, "cache-control": "no-store" },
  });
}

/** The form again with the reason (or problem+json for API callers), with Retry-After if any. */
function signInRefused(c: Context, request: AuthorizationRequest, error: DomainError): Response {
  const retry = error.extra.retryAfterSeconds;
  const headers: Record<string, string> = retry ? { "retry-after": String(retry) } : {};
  if ((c.req.header("accept") ?? "").includes("application/json")) {
    return problemResponse(problem(error.status, error.code, error.message, error.extra), headers);
  }
  const html = loginPage(request.client.name, request.params, {
    code: error.code,
    message: error.message,
  });
  return new Response(html, { status: error.status, headers: { ...PAGE_HEADERS, ...headers } });
}
