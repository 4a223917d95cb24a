/**
 * The users admin API with tokens the identity service issued itself: tenant from the token,
 * permissions per role, no changing one's own role, other tenants' users not found.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { hashSecret } from "../services/identity/passwords.ts";
import { ClientStore } from "../services/identity/store/clients.ts";
import {
  callJson,
  type IdentityHarness,
  INSECURE,
  PASSWORD,
  SECRET,
  tokensFor,
  withIdentity,
} from "./support/identity_harness.ts";

const call = callJson;

const token = async (h: IdentityHarness, username: string) =>
  (await tokensFor(h, username)).access_token;

Deno.test("identity users - an admin lists the users of their own tenant only", async () => {
  await withIdentity(async (h) => {
    const { status, body } = await call(h, await token(h, "admin"), "GET", "/users");
    assert.equal(status, 200);
    assert.deepEqual(body.users.map((u: { username: string }) => u.username).sort(), [
      "admin",
      "agent",
      "customer",
      "supervisor",
    ]);
    assert.ok(body.users.every((u: { tenant: string }) => u.tenant === "acme"));
    assert.ok(body.users.every((u: Record<string, unknown>) => !("passwordHash" in u)));
  });
});

Deno.test("identity users - pages follow the next cursor", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const first = await call(h, admin, "GET", "/users?limit=3");
    assert.equal(first.body.users.length, 3);
    const second = await call(h, admin, "GET", `/users?limit=3&after=${first.body.next}`);
    assert.equal(second.body.users.length, 1);
    assert.equal(second.body.next, null);
  });
});

Deno.test("identity users - a supervisor may list but not create; agents and customers may not list", async () => {
  await withIdentity(async (h) => {
    const supervisor = await token(h, "supervisor");
    assert.equal((await call(h, supervisor, "GET", "/users")).status, 200);
    const create = await call(h, supervisor, "POST", "/users", {
      username: "x",
      password: PASSWORD,
      role: "agent",
    });
    assert.equal(create.status, 403);
    assert.equal(create.body.code, "forbidden");
    for (const name of ["agent", "customer"]) {
      const listed = await call(h, await token(h, name), "GET", "/users");
      assert.equal(listed.status, 403);
    }
  });
});

Deno.test("identity users - an admin creates a user in their tenant, who can then sign in", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const created = await call(h, admin, "POST", "/users", {
      username: "Bob",
      email: "bob@acme.example",
      password: "bobs password",
      role: "agent",
      groups: ["billing"],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.username, "bob");
    assert.equal(created.body.tenant, "acme");
    assert.deepEqual(created.body.groups, ["billing"]);
    const again = await call(h, admin, "POST", "/users", {
      username: "bob",
      password: "another password",
      role: "agent",
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "username_taken");
    const bob = await tokensFor(h, "BOB", "bobs password");
    const verify = createVerifier({
      issuer: h.as.issuer,
      audience: "ticketd",
      jwksUrl: h.as.jwks_uri,
    });
    assert.deepEqual(await verify(bob.access_token), {
      id: created.body.id,
      role: "agent",
      tenant: "acme",
      groups: ["billing"],
    });
  });
});

Deno.test("identity users - the tenant comes from the token: a tenant in the body is refused", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const created = await call(h, admin, "POST", "/users", {
      username: "eve",
      password: PASSWORD,
      role: "admin",
      tenant: "globex",
    });
    assert.equal(created.status, 422);
    assert.equal(created.body.code, "invalid_request");
  });
});

Deno.test("identity users - bad input is a 4xx with a code: short password, groups for a customer, unknown role", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const short = await call(h, admin, "POST", "/users", {
      username: "c1",
      password: "short",
      role: "customer",
    });
    assert.equal(short.status, 422);
    const groups = await call(h, admin, "POST", "/users", {
      username: "c2",
      password: PASSWORD,
      role: "customer",
      groups: ["g"],
    });
    assert.equal(groups.status, 422);
    assert.equal(groups.body.code, "groups_not_allowed");
    const role = await call(h, admin, "POST", "/users", {
      username: "c3",
      password: PASSWORD,
      role: "root",
    });
    assert.equal(role.status, 422);
    const empty = await call(h, admin, "PATCH", `/users/${h.userIds.agent}`, {});
    assert.equal(empty.status, 422);
  });
});

Deno.test("identity users - an admin changes another user's role and groups", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const promoted = await call(h, admin, "PATCH", `/users/${h.userIds.agent}`, {
      role: "supervisor",
      groups: ["support", "billing"],
    });
    assert.equal(promoted.status, 200);
    assert.equal(promoted.body.role, "supervisor");
    const demoted = await call(h, admin, "PATCH", `/users/${h.userIds.agent}`, {
      role: "customer",
    });
    assert.equal(demoted.status, 200);
    assert.deepEqual(demoted.body.groups, [], "a customer keeps no groups");
  });
});

Deno.test("identity users - nobody can change their own role (403 cannot_change_own_role)", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const own = await call(h, admin, "PATCH", `/users/${h.userIds.admin}`, { role: "customer" });
    assert.equal(own.status, 403);
    assert.equal(own.body.code, "cannot_change_own_role");
  });
});

Deno.test("identity users - the tenant's last admin cannot be demoted (409 last_admin), even by an admin integration", async () => {
  await withIdentity(async (h) => {
    // An admin that is no user (a client's token) is the only caller who could try it.
    await new ClientStore(h.sql).create({
      clientId: "ops",
      tenant: "acme",
      name: "Operations",
      secretHash: await hashSecret(SECRET, { logN: 14, r: 8, p: 1 }),
      redirectUris: [],
      grantTypes: ["client_credentials"],
      scopes: ["users"],
      role: "admin",
    });
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      { client_id: "ops" },
      oauth.ClientSecretBasic(SECRET),
      {},
      INSECURE,
    );
    const ops = (await oauth.processClientCredentialsResponse(h.as, { client_id: "ops" }, response))
      .access_token;
    const last = await call(h, ops, "PATCH", `/users/${h.userIds.admin}`, { role: "agent" });
    assert.equal(last.status, 409);
    assert.equal(last.body.code, "last_admin");
    const groupsOnly = await call(h, ops, "PATCH", `/users/${h.userIds.admin}`, { role: "admin" });
    assert.equal(groupsOnly.status, 200, "keeping the role is no demotion");
    // With a second admin, the first may go.
    const promoted = await call(h, ops, "PATCH", `/users/${h.userIds.supervisor}`, {
      role: "admin",
    });
    assert.equal(promoted.status, 200);
    const demoted = await call(h, ops, "PATCH", `/users/${h.userIds.admin}`, { role: "agent" });
    assert.equal(demoted.status, 200);
    const again = await call(h, ops, "PATCH", `/users/${h.userIds.supervisor}`, {
      role: "customer",
    });
    assert.equal(again.body.code, "last_admin");
  });
});

Deno.test("identity users - a user of another tenant is 404, not 403, and never listed", async () => {
  await withIdentity(async (h) => {
    const admin = await token(h, "admin");
    const other = await call(h, admin, "PATCH", `/users/${h.userIds.globexAdmin}`, {
      role: "customer",
    });
    assert.equal(other.status, 404);
    assert.equal(other.body.code, "user_not_found");
    const listed = await call(h, admin, "GET", "/users?limit=200");
    assert.ok(!listed.body.users.some((u: { id: string }) => u.id === h.userIds.globexAdmin));
    const bogus = await call(h, admin, "PATCH", "/users/not-an-id", { role: "customer" });
    assert.equal(bogus.status, 404);
  });
});

Deno.test("identity users - tokens of another issuer or none at all are 401", async () => {
  await withIdentity(async (h) => {
    const none = await fetch(`${h.url}/users`);
    assert.equal(none.status, 401);
    await none.body?.cancel();
    const forged = await call(h, "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln", "GET", "/users");
    assert.equal(forged.status, 401);
  });
});

Deno.test("identity users - an integration token's role comes from its client's configuration", async () => {
  await withIdentity(async (h) => {
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      { client_id: "integration" },
      oauth.ClientSecretBasic(SECRET),
      {},
      INSECURE,
    );
    const tokens = await oauth.processClientCredentialsResponse(
      h.as,
      { client_id: "integration" },
      response,
    );
    const listed = await call(h, tokens.access_token, "GET", "/users");
    assert.equal(listed.status, 403, "the integration client is an agent");
  });
});
