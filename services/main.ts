/**
 * `deno task start`: the whole of Ticketd on one machine: the tickets service with its
 * projector, the identity service beside it on the same database, whose tokens the tickets
 * service accepts (besides the dev tokens) unless revoked, and the routing, sessions and
 * attachments services after them.
 * Each service joins here as it lands.
 * @module
 */
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { ConfigError as IdentityConfigError } from "./identity/config.ts";
import { startIdentity } from "./identity/main.ts";
import { SigningKeysError } from "./identity/signing/keys.ts";
import { ConfigError } from "./tickets/config.ts";
import { type Companion, runTickets } from "./tickets/main.ts";
import { RoutingConfigError } from "./routing/config.ts";
import { routingFollower } from "./routing/main.ts";
import { AttachmentsConfigError } from "./attachments/config.ts";
import { attachmentsFollower } from "./attachments/main.ts";
import { SessionsConfigError } from "./sessions/config.ts";
import { sessionsFollower } from "./sessions/main.ts";
import { AuditConfigError } from "./audit/config.ts";
import { auditFollower } from "./audit/main.ts";
import { EmailConfigError } from "./email/config.ts";
import { emailFollower } from "./email/main.ts";
import { OutboundConfigError } from "./email/outbound/mod.ts";
import { AuditKeysError } from "./audit/signing/audit_keys.ts";

const env = Deno.env.toObject();
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
  ]);
} catch (error) {
  // Missing binaries, a data folder in use, a bad setting: say what to do, not a stack trace.
  if (error instanceof Deno.errors.AddrInUse) {
    console.error(
      `ticketd: a port is in use; set TICKETD_PORT, TICKETD_IDENTITY_PORT, TICKETD_ROUTING_PORT, TICKETD_SESSIONS_PORT or TICKETD_ATTACHMENTS_PORT (${error.message})`,
    );
    Deno.exit(1);
  }
  const known = [
    RuntimeError,
    ConfigError,
    IdentityConfigError,
    SigningKeysError,
    RoutingConfigError,
    SessionsConfigError,
    AttachmentsConfigError,
    AuditConfigError,
    EmailConfigError,
    OutboundConfigError,
    AuditKeysError,
  ];
  if (!known.some((kind) => error instanceof kind)) throw error;
  console.error(`ticketd: ${(error as Error).message}`);
  Deno.exit(1);
}
