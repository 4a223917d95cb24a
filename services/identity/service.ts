/**
 * The identity service assembled on a live PostgreSQL: migrations applied, signing keys loaded,
 * the first admin seeded on a fresh installation, the HTTP app ready. Used by `main.ts`, by
 * `services/main.ts` (beside the tickets service) and by the integration tests.
 * @module
 */
import { decodeJwt, type JWK } from "jose";
import { fail } from "@ticketd/shared/errors.ts";
import type { Sql } from "postgres";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { createVerifier, type Verifier } from "@ticketd/shared/http/auth.ts";
import { TokenBuckets } from "@ticketd/shared/http/rate_limit.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId } from "@ticketd/shared/ids/worker_lease.ts";
import { Kvm } from "@nats-io/kv";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { startOutboxDrain } from "./activity_outbox.ts";
import { bootstrap } from "./bootstrap.ts";
import type { IdentityConfig } from "./config.ts";
import { IDENTITY_ROLES, type IdentityRole } from "./domain/roles.ts";
import { identityApp } from "./http/app.ts";
import { dummyHash } from "./passwords.ts";
import { loadSigningKeys } from "./signing/keys.ts";
import { ClientStore } from "./store/clients.ts";
import { GrantStore } from "./store/grants.ts";
import { LoginFailureStore } from "./store/login_failures.ts";
import { UserStore } from "./store/users.ts";
import { TokenGrants } from "./token_grants.ts";
import { TokenIssuer } from "./tokens.ts";

export interface IdentityServiceDeps {
  sql: Sql;
  /** Where sign-ins, token grants and user changes are recorded (stream ACTIVITY). */
  nc: NatsConnection;
  log: Logger;
  /** The issuer URL, when the config does not name one (the listening address). */
  issuer: string;
  now?: () => Date;
  /** Where the bootstrap password is printed. */
  print?: (text: string) => void;
}

export interface IdentityService {
  issuer: string;
  audience: string;
  /** The published key set (public keys of every key not retired). */
  jwks: () => { keys: JWK[] };
  fetch: (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;
  /** Verifies this service's access tokens (for a resource server in the same process). */
  verify: Verifier<IdentityRole>;
  /** `verify`, also refusing tokens on this service's deny list (one query per token check). */
  honouringRevocation<R extends string>(verify: Verifier<R>): Verifier<R>;
  stop(): Promise<void>;
}

/** Starts the identity service on `deps.sql`. */
export async function startIdentityService(
  config: IdentityConfig,
  deps: IdentityServiceDeps,
): Promise<IdentityService> {
  const { sql, log } = deps;
  const issuer = config.issuer ?? deps.issuer;
  const now = deps.now ?? (() => new Date());
  await migrate(sql, "identity", new URL("./migrations/", import.meta.url));
  const keys = await loadSigningKeys({
    file: config.signingKeysFile,
    dataDir: config.dataDir,
    alg: config.signingAlg,
  });
  if (keys.created) {
    log.warn("created dev signing keys; set TICKETD_SIGNING_KEYS_FILE in production", {
      path: keys.created,
    });
  }
  // Leased like every service's: a fixed id could be leased by another process meanwhile.
  const lease = await leaseServiceWorkerId(new Kvm(deps.nc), "identity", log);
  const ids = new SnowflakeGenerator(lease.workerId);
  const nextId = () => ids.next();
  await ensureActivityStream(await jetstreamManager(deps.nc), config.activity);
  const activity = {
    recorder: new ActivityRecorder({
      js: jetstream(deps.nc),
      service: "identity",
      nextId,
      now,
      settings: config.activity,
      log,
    }),
    address: config.rateLimits,
  };
  const users = new UserStore(sql);
  const clients = new ClientStore(sql);
  const grants = new GrantStore(sql);
  const dummy = await dummyHash(config.scrypt);
  await bootstrap(config, issuer, { users, clients, nextId, log, print: deps.print });

  const honouringRevocation =
    <R extends string>(inner: Verifier<R>): Verifier<R> => async (token) => {
      const principal = await inner(token);
      const { jti } = decodeJwt(token);
      if (typeof jti !== "string" || await grants.isRevoked(jti)) {
        fail("unauthorized", "The token has been revoked", 401);
      }
      return principal;
    };
  // The users API: only tokens granted the `users` scope (the tickets service asks for `tickets`).
  const verify = createVerifier<IdentityRole>({
    issuer,
    audience: config.audience,
    jwks: keys.jwks,
    roles: IDENTITY_ROLES,
    scope: "users",
    scopeRequired: true,
  });
  const tokenIssuer = new TokenIssuer({
    issuer,
    audience: config.audience,
    signer: () => keys.active,
    grants,
    nextId,
    now,
    ttl: config.ttl,
  });
  const { rateLimits } = config;
  const formLimits = config.limits;
  const app = identityApp({
    rateLimits,
    log,
    operations: { service: "identity", settings: config.operations, nc: deps.nc, sql },
    metadata: { issuer, jwks: () => keys.jwks, grants, denyListMax: config.denyListMax },
    token: {
      clientAuth: { clients, dummyHash: dummy },
      grants: new TokenGrants({ sql, grants, users, issuer: tokenIssuer, nextId, now, log }),
      limits: formLimits,
      rateLimits,
      log,
      activity,
    },
    authorize: {
      issuer,
      clients,
      grants,
      codeSeconds: config.ttl.codeSeconds,
      limits: formLimits,
      rateLimits,
      now,
      activity,
      login: {
        users,
        failures: new LoginFailureStore(sql, config.lockout),
        perAddress: new TokenBuckets({ ...rateLimits.login, maxKeys: rateLimits.maxKeys }),
        dummyHash: dummy,
        scrypt: config.scrypt,
        maxPasswordChars: config.passwords.maxChars,
        now,
        log,
      },
    },
    users: {
      verify: honouringRevocation(verify),
      users,
      sessions: { sql, users, grants, log },
      nextId,
      scrypt: config.scrypt,
      passwords: config.passwords,
      limits: config.limits,
      activity,
    },
  });
  const purge = setInterval(() => {
    grants.purgeExpired().catch((error) => log.warn("purge failed", { error: String(error) }));
  }, config.purgeIntervalMs);
  Deno.unrefTimer(purge);
  // Facts the command-line tools left in the outbox (written with their change).
  const outbox = startOutboxDrain({
    sql,
    js: jetstream(deps.nc),
    nextId,
    settings: config.activity,
    log,
  });
  log.info("identity service started", { issuer, kid: keys.active.kid, alg: keys.active.alg });
  return {
    issuer,
    audience: config.audience,
    jwks: () => keys.jwks,
    fetch: (request, info) => app.fetch(request, info),
    verify,
    honouringRevocation,
    stop: async () => {
      clearInterval(purge);
      await outbox.stop();
      await lease.release();
    },
  };
}
