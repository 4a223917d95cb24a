/**
 * Start failures a person can fix (a missing binary, a data folder in use, a bad setting or key
 * file, a taken port): one plain line naming what to change, instead of a stack trace.
 * @module
 */
import { MigrationError } from "@ticketd/shared/postgres/migrate.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { TlsSettingsError } from "@ticketd/shared/runtime/tls_settings.ts";
import { ConfigError as IdentityConfigError } from "./identity/config.ts";
import { SigningKeysError } from "./identity/signing/keys.ts";
import { ConfigError } from "./tickets/config.ts";
import { RoutingConfigError } from "./routing/config.ts";
import { AttachmentsConfigError } from "./attachments/config.ts";
import { SessionsConfigError } from "./sessions/config.ts";
import { AuditConfigError } from "./audit/config.ts";
import { EmailConfigError } from "./email/config.ts";
import { OutboundConfigError } from "./email/outbound/mod.ts";
import { AuditKeysError } from "./audit/signing/audit_keys.ts";
import { GatewayConfigError } from "./gateway/config.ts";
import { WebhooksConfigError } from "./webhooks/config.ts";

const KNOWN = [
  RuntimeError,
  MigrationError,
  TlsSettingsError,
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
  GatewayConfigError,
  WebhooksConfigError,
];

/** The line to print for a start failure a person can fix, or null for a bug (rethrow it). */
export function startFailureMessage(error: unknown): string | null {
  if (error instanceof Deno.errors.AddrInUse) {
    return `a port is in use; set TICKETD_PORT, TICKETD_IDENTITY_PORT, TICKETD_ROUTING_PORT, TICKETD_SESSIONS_PORT, TICKETD_ATTACHMENTS_PORT, TICKETD_AUDIT_PORT, TICKETD_WEBHOOKS_PORT or TICKETD_GATEWAY_PORT (${error.message})`;
  }
  return KNOWN.some((kind) => error instanceof kind) ? (error as Error).message : null;
}
