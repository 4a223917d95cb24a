/**
 * `deno task start`: the whole of Ticketd on one machine: the tickets service with its
 * projector, the identity service beside it on the same database, whose tokens the tickets
 * service accepts (besides the dev tokens) unless revoked, and the routing, sessions,
 * attachments, audit, email, reports and webhooks services after them, on its connections. `deno task stack`
 * (deploy/stack.ts) runs each of them as a process of its own instead.
 * @module
 */
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { startIdentity } from "./identity/main.ts";
import { type Companion, runTickets } from "./tickets/main.ts";
import { routingFollower } from "./routing/main.ts";
import { attachmentsFollower } from "./attachments/main.ts";
import { sessionsFollower } from "./sessions/main.ts";
import { auditFollower } from "./audit/main.ts";
import { emailFollower } from "./email/main.ts";
import { webhooksFollower } from "./webhooks/main.ts";
import { reportsFollower } from "./reports/main.ts";
import { consoleRedirectUris } from "./gateway/config.ts";
import { gatewayFollower } from "./gateway/main.ts";
import { startFailureMessage } from "./start_failure.ts";

const env = Deno.env.toObject();
// A first start registers the console at the gateway too (docs/console.md).
const consoleUris = consoleRedirectUris(env);
if (consoleUris) env.TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS ??= consoleUris;
const identity: Companion = async (infra, log) => {
  const { service, url, stop } = await startIdentity(env, { sql: infra.sql, nc: infra.nc, log });
  console.error(`Identity (OAuth 2) at ${url}: docs/identity.md, "First start" and "Flows"`);
  const verify = service.honouringRevocation(createVerifier({
    issuer: service.issuer,
    audience: service.audience,
    jwks: service.jwks(),
    scope: "tickets",
    scopeRequired: true, // the identity service always says what a token is for
  }));
  return { issuer: service.issuer, verify, stop };
};

try {
  await runTickets(env, [identity], [
    routingFollower(env),
    sessionsFollower(env),
    attachmentsFollower(env),
    auditFollower(env),
    emailFollower(env),
    webhooksFollower(env),
    reportsFollower(env),
    gatewayFollower(env),
  ]);
} catch (error) {
  const message = startFailureMessage(error);
  if (message === null) throw error;
  console.error(`ticketd: ${message}`);
  Deno.exit(1);
}
// Everything has stopped in order; timers client libraries leave behind are not worth waiting for.
Deno.exit(0);
