/**
 * An identity service for integration tests: listening on a free loopback port (oauth4webapi
 * talks to it over HTTP), on a fresh PostgreSQL database, with two tenants seeded: users and a
 * confidential, a public and an integration client in `acme`, an admin in `globex`.
 * @module
 */
import * as oauth from "oauth4webapi";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import postgres, { type Sql } from "postgres";
import { hashSecret } from "../../services/identity/passwords.ts";
import { ClientStore } from "../../services/identity/store/clients.ts";
import { UserStore } from "../../services/identity/store/users.ts";
import type { IdentityRole } from "../../services/identity/domain/roles.ts";
import { type RunningIdentity, startIdentity } from "../../services/identity/main.ts";
import { createTestDatabase } from "./database.ts";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { startTestNats } from "./nats.ts";

export const PASSWORD = "correct horse battery";
export const SECRET = "integration-secret-0123456789";
export const WEB_REDIRECT = "https://app.example/callback";
export const CONSOLE_REDIRECT = "http://127.0.0.1:9/console/callback";
/** oauth4webapi refuses http:// unless told; production runs behind TLS. */
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

export interface IdentityHarness {
  url: string;
  issuer: URL;
  sql: Sql;
  /** The private nats-server's connection, where the service records its ACTIVITY facts. */
  nc: NatsConnection;
  as: oauth.AuthorizationServer;
  running: RunningIdentity;
  /** Ids of the seeded users by user name (`acme`: admin, agent, supervisor, customer). */
  userIds: Record<string, string>;
  addUser(tenant: string, username: string, role: IdentityRole, groups?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the service with `env` overrides; call `stop()` in a `finally`. */
export async function startIdentityHarness(
  env: Record<string, string> = {},
): Promise<IdentityHarness> {
  const db = await createTestDatabase();
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-identity-test-" });
  let running: RunningIdentity;
  try {
    running = await startIdentity({
      TICKETD_IDENTITY_PORT: "0",
      TICKETD_DATA_DIR: dataDir,
      TICKETD_LOG_LEVEL: "error",
      TICKETD_IDENTITY_BOOTSTRAP_TENANT: "acme",
      TICKETD_IDENTITY_BOOTSTRAP_PASSWORD: PASSWORD,
      TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: CONSOLE_REDIRECT,
      ...env,
    }, { sql, nc });
  } catch (error) {
    await sql.end();
    await db.drop();
    await nc.close();
    await nats.stop();
    throw error;
  }
  const users = new UserStore(sql);
  const clients = new ClientStore(sql);
  const secretHash = await hashSecret(SECRET, { logN: 14, r: 8, p: 1 });
  await clients.create({
    clientId: "webapp",
    tenant: "acme",
    name: "Web app",
    secretHash,
    redirectUris: [WEB_REDIRECT, "https://app.example/other"],
    grantTypes: ["authorization_code", "refresh_token"],
    scopes: ["tickets", "users"],
    role: null,
  });
  await clients.create({
    clientId: "integration",
    tenant: "acme",
    name: "Integration",
    secretHash,
    redirectUris: [],
    grantTypes: ["client_credentials"],
    scopes: ["tickets"],
    role: "agent",
  });
  const ids = new SnowflakeGenerator(1000);
  const addUser = async (
    tenant: string,
    username: string,
    role: IdentityRole,
    groups: string[] = [],
  ) => {
    const user = await users.create({
      id: ids.next(),
      tenant,
      username,
      email: null,
      passwordHash: await hashSecret(PASSWORD, { logN: 14, r: 8, p: 1 }),
      role,
      groups,
    });
    return user.id;
  };
  const admin = await users.credentials("acme", "admin");
  const userIds: Record<string, string> = { admin: admin!.id };
  userIds.agent = await addUser("acme", "agent", "agent", ["support"]);
  userIds.supervisor = await addUser("acme", "supervisor", "supervisor");
  userIds.customer = await addUser("acme", "customer", "customer");
  userIds.globexAdmin = await addUser("globex", "admin", "admin");
  const issuer = new URL(running.service.issuer);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...INSECURE }),
  );
  return {
    url: running.url,
    issuer,
    sql,
    nc,
    as,
    running,
    userIds,
    addUser,
    async stop() {
      await running.stop();
      await sql.end();
      await db.drop();
      await nc.close();
      await nats.stop();
    },
  };
}

export interface SignIn {
  clientId: string;
  redirectUri: string;
  username?: string;
  password?: string;
  codeVerifier: string;
  state?: string;
  scope?: string;
}

/** Walks the sign-in form like a browser; returns the redirect's URL (with `code` or `error`). */
export async function signIn(h: IdentityHarness, s: SignIn): Promise<URL> {
  const params = new URLSearchParams({
    response_type: "code",
    client_id: s.clientId,
    redirect_uri: s.redirectUri,
    code_challenge: await oauth.calculatePKCECodeChallenge(s.codeVerifier),
    code_challenge_method: "S256",
    state: s.state ?? oauth.generateRandomState(),
  });
  if (s.scope) params.set("scope", s.scope);
  const page = await fetch(`${h.as.authorization_endpoint}?${params}`);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorize page ${page.status}: ${html}`);
  const form = new URLSearchParams(params);
  form.set("username", s.username ?? "admin");
  form.set("password", s.password ?? PASSWORD);
  const response = await postForm(h.as.authorization_endpoint!, form);
  await response.body?.cancel();
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
  return new URL(response.headers.get("location")!);
}

/** A form POST without following redirects. */
export function postForm(
  url: string,
  form: URLSearchParams,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form,
  });
}

/** Basic credentials as RFC 6749 §2.3.1 spells them. */
export function basic(id: string, secret: string): string {
  const enc = (value: string) => encodeURIComponent(value).replaceAll("%20", "+");
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`;
}

/** Runs `fn` against a fresh identity service (with `env` overrides) and always stops it. */
export async function withIdentity(
  fn: (h: IdentityHarness) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const h = await startIdentityHarness(env);
  try {
    await fn(h);
  } finally {
    await h.stop();
  }
}

/** A JSON call to the service with a bearer token; the status and the parsed answer. */
export async function callJson(
  h: IdentityHarness,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${h.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Who signs in during {@link codeFlow}, and for which scope (else the client's). */
export interface CodeFlowUser {
  username?: string;
  password?: string;
  scope?: string;
}

/** The authorization code flow with PKCE, driven by oauth4webapi: sign in, then exchange. */
export async function codeFlow(
  h: IdentityHarness,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  redirectUri: string,
  user: CodeFlowUser = {},
): Promise<oauth.TokenEndpointResponse> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const back = await signIn(h, {
    clientId: client.client_id,
    redirectUri,
    codeVerifier,
    state,
    ...user,
  });
  const params = oauth.validateAuthResponse(h.as, client, back, state);
  const response = await oauth.authorizationCodeGrantRequest(
    h.as,
    client,
    auth,
    params,
    redirectUri,
    codeVerifier,
    INSECURE,
  );
  return await oauth.processAuthorizationCodeResponse(h.as, client, response);
}

/** An access (and refresh) token for `username` of `acme`, through the console's code flow. */
export function tokensFor(
  h: IdentityHarness,
  username: string,
  password = PASSWORD,
  scope?: string,
): Promise<oauth.TokenEndpointResponse> {
  const client: oauth.Client = { client_id: "console", token_endpoint_auth_method: "none" };
  return codeFlow(h, client, oauth.None(), CONSOLE_REDIRECT, { username, password, scope });
}
