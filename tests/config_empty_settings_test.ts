/**
 * "Unset or empty takes the default" (docs/configuration.md), for every setting each service's
 * config.ts reads: `NAME=` in an env file must start the service as if NAME were not there.
 * @module
 */
import assert from "node:assert/strict";
import { loadAttachmentsConfig } from "../services/attachments/config.ts";
import { loadAuditConfig } from "../services/audit/config.ts";
import { loadEmailConfig } from "../services/email/config.ts";
import { loadGatewayConfig } from "../services/gateway/config.ts";
import { loadConfig as loadIdentityConfig } from "../services/identity/config.ts";
import { loadReportsConfig } from "../services/reports/config.ts";
import { loadRoutingConfig } from "../services/routing/config.ts";
import { loadSessionsConfig } from "../services/sessions/config.ts";
import { loadConfig as loadTicketsConfig } from "../services/tickets/config.ts";
import { loadWebhooksConfig } from "../services/webhooks/config.ts";

type Loader = (env: Record<string, string | undefined>) => unknown;

const SERVICES: [string, Loader][] = [
  ["attachments", loadAttachmentsConfig],
  ["audit", loadAuditConfig],
  ["email", (env) => loadEmailConfig(env)],
  ["gateway", loadGatewayConfig],
  ["identity", loadIdentityConfig],
  ["reports", loadReportsConfig],
  ["routing", loadRoutingConfig],
  ["sessions", loadSessionsConfig],
  ["tickets", loadTicketsConfig],
  ["webhooks", loadWebhooksConfig],
];

/** Every setting a service's config.ts names (whole names only, not templates). */
async function settingsNamedIn(service: string): Promise<string[]> {
  const source = await Deno.readTextFile(
    new URL(`../services/${service}/config.ts`, import.meta.url),
  );
  const names = source.match(/\b(?:TICKETD_[A-Z0-9_]*[A-Z0-9]|NATS_URL|DATABASE_URL)\b/g) ?? [];
  return [...new Set(names)];
}

for (const [service, load] of SERVICES) {
  Deno.test(`${service} config: every setting it reads, set empty, gives the same config as unset`, async () => {
    const names = await settingsNamedIn(service);
    assert.ok(names.includes("TICKETD_LOG_LEVEL") || names.some((n) => n.endsWith("_HOST")));
    const empty = Object.fromEntries(names.map((name) => [name, ""]));
    assert.deepEqual(JSON.parse(JSON.stringify(load(empty))), JSON.parse(JSON.stringify(load({}))));
  });
}
