/**
 * The ticket-text keyring over HTTP: `GET /keyring` (admins and auditors) lists the
 * key-encryption keys of this process's keyring by id, algorithm, profile and status, never
 * their material, with how many data keys each wraps (`DataKeys.usage`, what `deno task keys
 * usage` prints) and the last rewrap; `POST /keyring/rewrap` (admins) starts the rewrap that
 * `deno task keys rewrap` runs. Adding and retiring a KEK edit the keyring file, a secret the
 * service only reads: they stay command-line steps (docs/crypto.md).
 * @module
 */
import { Hono } from "hono";
import { INSTALLATION_TENANT } from "@ticketd/shared/activity/operator.ts";
import { requestParty } from "@ticketd/shared/activity/request_source.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { type Profile, PROFILES } from "@ticketd/shared/crypto/profiles.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import type { DataKeys } from "@ticketd/shared/keys/data_keys.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import type { TicketsEnv } from "./env.ts";
import type { KeyringRewrap } from "./keyring_rewrap.ts";

export interface KeyringRoutesDeps {
  keyring: Keyring;
  dataKeys: Pick<DataKeys, "usage">;
  rewrap: KeyringRewrap;
  address: AddressOptions;
}

/** One KEK as the API shows it. `retiring`: not active, kept to open the keys it still wraps. */
export interface KekView {
  id: string;
  alg: string;
  profile: Profile | null;
  status: "active" | "retiring" | "missing";
  dataKeys: number;
}

const READERS: readonly Role[] = ["admin", "auditor"];
const WRITERS: readonly Role[] = ["admin"];

export function keyringRoutes(deps: KeyringRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  // Usage reads every data key: concurrent GETs share one walk.
  let counting: Promise<Record<string, number>> | null = null;
  const usage = () => counting ??= deps.dataKeys.usage().finally(() => (counting = null));

  app.get("/keyring", async (c) => {
    allowed(c.get("principal").role, READERS, "read the keyring");
    return c.json({ keks: kekViews(deps.keyring, await usage()), rewrap: deps.rewrap.status() });
  });

  app.post("/keyring/rewrap", (c) => {
    allowed(c.get("principal").role, WRITERS, "rewrap the data keys");
    // KEKs belong to the installation: the fact is in tenant `system`, as the tool's are.
    const party = { ...requestParty(c, deps.address), tenant: INSTALLATION_TENANT };
    return c.json({ rewrap: deps.rewrap.start(party) }, 202);
  });

  return app;
}

/** The keyring's KEKs (active first, then by id), and any KEK data keys name that it lacks. */
export function kekViews(keyring: Keyring, usage: Record<string, number>): KekView[] {
  const active = new Set(Object.values(keyring.active));
  const views: KekView[] = [...keyring.keks.values()].map((kek) => ({
    id: kek.id,
    alg: kek.alg,
    profile: profileOf(kek.alg),
    status: active.has(kek.id) ? "active" : "retiring",
    dataKeys: usage[kek.id] ?? 0,
  }));
  for (const [id, count] of Object.entries(usage)) {
    if (!keyring.keks.has(id)) {
      views.push({ id, alg: "unknown", profile: null, status: "missing", dataKeys: count });
    }
  }
  const rank = { active: 0, retiring: 1, missing: 2 };
  return views.sort((a, b) => rank[a.status] - rank[b.status] || a.id.localeCompare(b.id));
}

function profileOf(alg: string): Profile | null {
  const found = (Object.keys(PROFILES) as Profile[]).find((p) => PROFILES[p].wrap === alg);
  return found ?? null;
}

function allowed(role: Role, roles: readonly Role[], what: string): void {
  if (!roles.includes(role)) fail("forbidden", `The ${role} role may not ${what}`, 403);
}
