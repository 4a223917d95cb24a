/**
 * What an HTTP request contributes to a fact: its tenant and actor from the verified token, and
 * its source (the client address exactly as the rate limits derive it, honouring the service's
 * trust-forwarded-for setting, and the request id the request log assigned).
 * @module
 */
import type { Context } from "hono";
import type { Activity } from "../events/activity.ts";
import type { ActivityRecorder } from "./recorder.ts";
import type { Principal } from "../http/auth.ts";
import { type AddressOptions, clientAddress } from "../http/rate_limit.ts";

export type ActivitySource = Activity["source"];
export type ActivityActor = Activity["actor"];

/** The request's address (null when the connection gave none) and request id. */
export function requestSource(c: Context, options: AddressOptions): ActivitySource {
  const ip = clientAddress(c, options);
  const requestId = c.get("requestId" as never) as string | undefined;
  return { ip: ip === "unknown" ? null : ip, requestId: requestId ?? null };
}

/** The actor of a verified token. */
export function principalActor(principal: Principal<string>): ActivityActor {
  return { id: principal.id, role: principal.role as ActivityActor["role"] };
}

/** Tenant, actor and source of a request that passed bearer auth (`principal` is set). */
export function requestParty(
  c: Context,
  options: AddressOptions,
): Pick<Activity, "tenant" | "actor" | "source"> {
  const principal = c.get("principal" as never) as Principal<string>;
  return {
    tenant: principal.tenant,
    actor: principalActor(principal),
    source: requestSource(c, options),
  };
}

/** What a route needs to record facts about its requests. */
export interface RequestActivity {
  recorder: ActivityRecorder;
  /** How the client address is derived: the service's rate-limit setting. */
  address: AddressOptions;
}
