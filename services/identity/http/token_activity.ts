/**
 * Token grants, revocations and detected replays (a used code or refresh token presented
 * again) as ACTIVITY facts. Sign-in and token facts never hold up the answer: a fact that cannot
 * be recorded is written to the error log instead (`recordOrLog`). A client authenticating
 * itself is actor `client:<id>` with role `service`.
 * @module
 */
import type { Context } from "hono";
import { decodeJwt } from "jose";
import {
  type ActivityActor,
  type RequestActivity,
  requestSource,
} from "@ticketd/shared/activity/request_source.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Client } from "../store/clients.ts";
import type { TokenResponse } from "../tokens.ts";

interface Replay {
  kind: "code" | "refresh";
  tenant: string;
  clientId: string;
  familyId: string | null;
  userId?: string;
}

/** Records the grant of `tokens` to `client`, as the person (or client) they speak for. */
export async function recordGrant(
  c: Context,
  activity: RequestActivity,
  client: Client,
  grantType: string,
  tokens: TokenResponse,
): Promise<void> {
  const claims = decodeJwt(tokens.access_token);
  const role = (claims.roles as string[] | undefined)?.[0] ?? "service";
  await activity.recorder.recordOrLog({
    tenant: client.tenant,
    actor: { id: String(claims.sub), role: role as ActivityActor["role"] },
    action: "identity.token.granted",
    target: { type: "client", id: client.clientId },
    outcome: "ok",
    source: requestSource(c, activity.address),
    changes: { grantType, scope: tokens.scope, refresh: tokens.refresh_token !== undefined },
  });
}

/** Records a revocation asked for by `client`. */
export async function recordRevocation(
  c: Context,
  activity: RequestActivity,
  client: Client,
): Promise<void> {
  await activity.recorder.recordOrLog({
    tenant: client.tenant,
    actor: { id: `client:${client.clientId}`, role: "service" },
    action: "identity.token.revoked",
    target: { type: "client", id: client.clientId },
    outcome: "ok",
    source: requestSource(c, activity.address),
  });
}

/** Records a replayed code or refresh token (its family was revoked), if `error` says one was. */
export async function recordReplay(
  c: Context,
  activity: RequestActivity,
  error: unknown,
): Promise<void> {
  if (!(error instanceof DomainError) || !error.extra.replayed) return;
  const replay = error.extra.replayed as Replay;
  await activity.recorder.recordOrLog({
    tenant: replay.tenant,
    actor: { id: `client:${replay.clientId}`, role: "service" },
    action: `identity.${replay.kind === "code" ? "code" : "refresh_token"}.reused`,
    target: { type: "token_family", id: replay.familyId ?? "none" },
    outcome: "denied",
    source: requestSource(c, activity.address),
    changes: {
      familyRevoked: replay.familyId !== null,
      ...(replay.userId ? { userId: replay.userId } : {}),
    },
  });
}
