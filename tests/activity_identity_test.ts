/**
 * Sign-ins, failed sign-ins, token grants, revocations, refresh-token reuse and user changes as
 * ACTIVITY facts, from the real identity service on PostgreSQL and a private nats-server.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { jetstreamManager } from "@nats-io/jetstream";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import {
  callJson,
  CONSOLE_REDIRECT,
  INSECURE,
  signIn,
  tokensFor,
  withIdentity,
} from "./support/identity_harness.ts";

const consoleClient: oauth.Client = { client_id: "console", token_endpoint_auth_method: "none" };

Deno.test("identity - a sign-in and the token grant are recorded under the user's id", () =>
  withIdentity(async (h) => {
    await tokensFor(h, "agent");
    const jsm = await jetstreamManager(h.nc);
    const [session] = await recordedActivity(jsm, "identity.session.created");
    assert.deepEqual(session.actor, { id: h.userIds.agent, role: "agent" });
    assert.deepEqual(session.target, { type: "user", id: h.userIds.agent });
    assert.equal(session.source.ip, "127.0.0.1");
    assert.ok(session.source.requestId);
    const [grant] = await recordedActivity(jsm, "identity.token.granted");
    assert.deepEqual(grant.actor, { id: h.userIds.agent, role: "agent" });
    assert.deepEqual(grant.target, { type: "client", id: "console" });
    assert.equal(grant.changes?.grantType, "authorization_code");
  }));

Deno.test("identity - a failed sign-in is recorded without the user name or the password", () =>
  withIdentity(async (h) => {
    const back = await signIn(h, {
      clientId: "console",
      redirectUri: CONSOLE_REDIRECT,
      username: "agent",
      password: "wrong password, long enough",
      codeVerifier: oauth.generateRandomCodeVerifier(),
    }).catch((error: Error) => error);
    assert.ok(back instanceof Error, "the sign-in is refused");
    const [failed] = await recordedActivity(await jetstreamManager(h.nc), "identity.login.failed");
    assert.deepEqual(failed.actor, { id: "anonymous", role: "anonymous" });
    assert.equal(failed.outcome, "failed");
    assert.equal(failed.changes?.code, "invalid_credentials");
    const text = JSON.stringify(failed);
    assert.ok(!text.includes('"agent"') && !text.includes("wrong password"));
  }));

Deno.test("identity - a reused refresh token is recorded as reuse, with its family revoked", () =>
  withIdentity(async (h) => {
    const first = await tokensFor(h, "agent");
    const refresh = () =>
      oauth.refreshTokenGrantRequest(
        h.as,
        consoleClient,
        oauth.None(),
        first.refresh_token!,
        INSECURE,
      );
    await oauth.processRefreshTokenResponse(h.as, consoleClient, await refresh());
    const again = await refresh();
    assert.equal(again.status, 400);
    await again.body?.cancel();
    const [reuse] = await recordedActivity(
      await jetstreamManager(h.nc),
      "identity.refresh_token.reused",
    );
    assert.equal(reuse.outcome, "denied");
    assert.equal(reuse.target.type, "token_family");
    assert.deepEqual(reuse.changes, { familyRevoked: true, userId: h.userIds.agent });
  }));

Deno.test("identity - a revocation is recorded as the client's", () =>
  withIdentity(async (h) => {
    const tokens = await tokensFor(h, "agent");
    const revoked = await oauth.revocationRequest(
      h.as,
      consoleClient,
      oauth.None(),
      tokens.refresh_token!,
      INSECURE,
    );
    await oauth.processRevocationResponse(revoked);
    const [fact] = await recordedActivity(await jetstreamManager(h.nc), "identity.token.revoked");
    assert.deepEqual(fact.actor, { id: "client:console", role: "service" });
  }));

Deno.test("identity - creating a user and changing their role are recorded with field names and new values", () =>
  withIdentity(async (h) => {
    const { access_token } = await tokensFor(h, "admin", undefined, "users");
    const created = await callJson(h, access_token, "POST", "/users", {
      username: "Dana.Person",
      password: "a long enough password",
      role: "agent",
      groups: ["support"],
    });
    assert.equal(created.status, 201);
    const changed = await callJson(h, access_token, "PATCH", `/users/${created.body.id}`, {
      role: "supervisor",
      password: "another long password",
    });
    assert.equal(changed.status, 200);
    const jsm = await jetstreamManager(h.nc);
    const [create] = await recordedActivity(jsm, "identity.user.created");
    assert.deepEqual(create.actor, { id: h.userIds.admin, role: "admin" });
    assert.deepEqual(create.target, { type: "user", id: created.body.id });
    assert.deepEqual(create.changes, { role: "agent", groups: ["support"], email: false });
    const [change] = await recordedActivity(jsm, "identity.user.changed");
    assert.deepEqual(change.changes, {
      role: "supervisor",
      password: true,
      sessionsEnded: true,
    });
    const text = JSON.stringify([create, change]).toLowerCase();
    assert.ok(!text.includes("dana") && !text.includes("long"));
  }));

Deno.test("identity - a user change that cannot be recorded is answered 503, saying it was applied", () =>
  withIdentity(async (h) => {
    const { access_token } = await tokensFor(h, "admin", undefined, "users");
    await (await jetstreamManager(h.nc)).streams.delete(ACTIVITY_STREAM);
    const changed = await callJson(h, access_token, "PATCH", `/users/${h.userIds.agent}`, {
      role: "supervisor",
    });
    assert.equal(changed.status, 503);
    assert.equal(changed.body.code, "activity_unavailable");
    assert.equal(changed.body.applied, true);
    const [row] = await h.sql`select role from identity_users where id = ${h.userIds.agent}`;
    assert.equal(row.role, "supervisor", "act, then record: the change stands");
  }, { TICKETD_LOG_LEVEL: "error", TICKETD_ACTIVITY_ACK_TIMEOUT_MS: "200" }));
