/**
 * The first admin and the first public client of a fresh installation, so a new user can sign
 * in at once. Runs only when there are no users at all; prints the generated password once, to
 * the terminal (never to the log).
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { IdentityConfig } from "./config.ts";
import { hashSecret, randomSecret } from "./passwords.ts";
import type { ClientStore } from "./store/clients.ts";
import type { UserStore } from "./store/users.ts";

export interface BootstrapDeps {
  users: UserStore;
  clients: ClientStore;
  nextId: () => string;
  log: Logger;
  /** Where the one-time password goes (default: stderr). */
  print?: (text: string) => void;
}

/** Seeds tenant `bootstrap.tenant` with an admin and a public client if no user exists. */
export async function bootstrap(
  config: IdentityConfig,
  issuer: string,
  deps: BootstrapDeps,
): Promise<boolean> {
  if ((await deps.users.count()) > 0) return false;
  const { tenant, username, clientId } = config.bootstrap;
  const password = config.bootstrap.password ?? randomSecret(15);
  const redirectUris = config.bootstrap.redirectUris ?? [`${issuer}/oauth/callback`];
  if (!(await deps.clients.find(clientId))) {
    await deps.clients.create({
      clientId,
      tenant,
      name: "Ticketd console",
      secretHash: null,
      redirectUris,
      grantTypes: ["authorization_code", "refresh_token"],
      scopes: ["tickets", "users"],
      role: null,
    });
  }
  const user = await deps.users.create({
    id: deps.nextId(),
    tenant,
    username,
    email: null,
    passwordHash: await hashSecret(password, config.scrypt),
    role: "admin",
    groups: [],
  });
  deps.log.info("bootstrap admin and client created", { tenant, userId: user.id, clientId });
  if (!config.bootstrap.password) {
    (deps.print ?? console.error)(
      `First admin of tenant "${tenant}": user "${username}", password ${password} ` +
        `(shown once)\n${signInHint(issuer, clientId, redirectUris[0])}`,
    );
  }
  return true;
}

/**
 * How to sign in through the first client: the authorization URL with placeholders for what
 * each attempt makes afresh (PKCE challenge, state), and where the flow is explained. The URL
 * as printed, with the placeholders filled in, is a valid authorization request.
 */
export function signInHint(issuer: string, clientId: string, redirectUri: string): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
  });
  return `To sign in with client "${clientId}", open (docs/identity.md, "Flows", shows how to ` +
    `make <CHALLENGE> and <STATE> and exchange the code):\n  ${issuer}/oauth/authorize?${query}` +
    `&code_challenge=<CHALLENGE>&code_challenge_method=S256&state=<STATE>`;
}
