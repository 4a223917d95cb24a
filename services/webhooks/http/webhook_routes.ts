/**
 * `/v1/webhooks`: a tenant's admins create, list, read, change and delete subscriptions, and
 * rotate a secret. The secret is made here and shown once, in the answer that made it; after
 * a rotation the old one still signs beside the new one until `previousSecretExpiresAt`.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { profileOf, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { text } from "@ticketd/shared/http/text.ts";
import type { RequestActivity } from "@ticketd/shared/activity/request_source.ts";
import type { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { type EndpointPolicy, endpointUrl } from "../domain/endpoint_url.ts";
import { isEventPattern } from "../domain/event_types.ts";
import { newSecret, sealSecret } from "../secret_seal.ts";
import { publicView, type SubscriptionStore } from "../store/subscriptions.ts";
import { recordChange } from "./activity.ts";
import { adminTenant, notFound, pathId, type WebhooksEnv } from "./env.ts";

export interface WebhookRoutesDeps {
  subscriptions: SubscriptionStore;
  keyring: Keyring;
  profiles: TenantProfiles;
  ids: SnowflakeGenerator;
  endpoints: EndpointPolicy;
  maxPerTenant: number;
  maxEventTypes: number;
  overlap: { defaultMs: number; maxMs: number };
  body: { maxBytes: number; timeoutMs: number };
  activity: RequestActivity;
}

export function webhookRoutes(deps: WebhookRoutesDeps): Hono<WebhooksEnv> {
  const app = new Hono<WebhooksEnv>();
  const eventTypes = z.array(z.string().max(64)).min(1).max(deps.maxEventTypes);
  const created = z.object({
    url: z.string(),
    eventTypes,
    description: text(500, { singleLine: true }).optional(),
    enabled: z.boolean().optional(),
  }).strict();
  const changed = created.partial().strict();
  const rotation = z.object({
    overlapSeconds: z.number().int().min(0).max(deps.overlap.maxMs / 1000).optional(),
  }).strict();

  app.post("/webhooks", async (c) => {
    const tenant = adminTenant(c);
    const input = await readJson(c, created, deps.body);
    const url = endpointUrl(input.url, deps.endpoints);
    if (await deps.subscriptions.count(tenant) >= deps.maxPerTenant) {
      fail("too_many_webhooks", `A tenant may have at most ${deps.maxPerTenant} webhooks`, 409);
    }
    const id = deps.ids.next();
    const secret = newSecret();
    const row = await deps.subscriptions.create({
      id,
      tenant,
      url,
      description: input.description ?? "",
      eventTypes: checkedPatterns(input.eventTypes),
      enabled: input.enabled ?? true,
      secretSealed: seal(tenant, id, secret),
    });
    await recordChange(c, deps.activity, "webhooks.webhook.created", target(id), input);
    return c.json({ ...publicView(row), secret }, 201, { location: `/v1/webhooks/${id}` });
  });

  app.get("/webhooks", async (c) => {
    const rows = await deps.subscriptions.list(adminTenant(c));
    return c.json({ webhooks: rows.map(publicView) });
  });

  app.get("/webhooks/:id", async (c) => {
    const row = await deps.subscriptions.get(adminTenant(c), pathId(c, "id"));
    return row ? c.json(publicView(row)) : notFound();
  });

  app.patch("/webhooks/:id", async (c) => {
    const tenant = adminTenant(c);
    const id = pathId(c, "id");
    const input = await readJson(c, changed, deps.body);
    const row = await deps.subscriptions.update(tenant, id, {
      url: input.url === undefined ? undefined : endpointUrl(input.url, deps.endpoints),
      description: input.description,
      eventTypes: input.eventTypes && checkedPatterns(input.eventTypes),
      enabled: input.enabled,
    });
    if (!row) notFound();
    await recordChange(c, deps.activity, "webhooks.webhook.changed", target(id), input);
    return c.json(publicView(row));
  });

  app.delete("/webhooks/:id", async (c) => {
    const id = pathId(c, "id");
    if (!(await deps.subscriptions.remove(adminTenant(c), id))) notFound();
    await recordChange(c, deps.activity, "webhooks.webhook.deleted", target(id));
    return c.body(null, 204);
  });

  app.post("/webhooks/:id/rotate-secret", async (c) => {
    const tenant = adminTenant(c);
    const id = pathId(c, "id");
    const input = await readJson(c, rotation, deps.body);
    const overlapMs = input.overlapSeconds === undefined
      ? deps.overlap.defaultMs
      : input.overlapSeconds * 1000;
    const secret = newSecret();
    const until = new Date(Date.now() + overlapMs);
    const row = await deps.subscriptions.rotate(tenant, id, seal(tenant, id, secret), until);
    if (!row) notFound();
    await recordChange(c, deps.activity, "webhooks.secret.rotated", target(id), input);
    return c.json({ ...publicView(row), secret });
  });

  return app;

  function seal(tenant: string, id: string, secret: string): string {
    const scope = { tenant, subscriptionId: id };
    return sealSecret(deps.keyring, profileOf(deps.profiles, tenant), secret, scope);
  }
}

function target(id: string) {
  return { type: "webhook" as const, id };
}

/** The patterns, each known (400 `unknown_event_type` naming it), without repeats. */
function checkedPatterns(patterns: string[]): string[] {
  for (const pattern of patterns) {
    if (!isEventPattern(pattern)) {
      fail("unknown_event_type", `Unknown event type "${pattern}"`, 400, {
        eventType: pattern,
        docs: "docs/webhooks.md#event-types",
      });
    }
  }
  return [...new Set(patterns)];
}
