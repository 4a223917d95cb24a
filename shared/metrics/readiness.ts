/**
 * Readiness: a service is ready when it has started (caught up) and each of its dependencies
 * answers within a bound: its NATS connection is connected and answers a ping, its database a
 * `select 1`. The answer names every check, so a 503 says which one failed.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import type { Sql } from "postgres";

/** Resolves when the dependency is usable; rejects (or is slower than the bound) when not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface ReadinessDeps {
  /** False until the service's startup and catch-up are done. Default: always started. */
  started?: () => boolean;
  nc?: NatsConnection;
  sql?: Sql;
  /** More checks by name. */
  checks?: Record<string, ReadinessCheck>;
}

export interface ReadinessAnswer {
  status: "ready" | "starting" | "unready";
  checks: Record<string, "ok" | "starting" | "down">;
}

/** Runs every check of `deps`, each bounded by `timeoutMs`. */
export async function readiness(deps: ReadinessDeps, timeoutMs: number): Promise<ReadinessAnswer> {
  const checks: Record<string, ReadinessCheck> = { ...deps.checks };
  if (deps.nc) checks.nats = natsCheck(deps.nc);
  if (deps.sql) checks.database = databaseCheck(deps.sql);
  const started = deps.started?.() ?? true;
  const answers: ReadinessAnswer["checks"] = { started: started ? "ok" : "starting" };
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      answers[name] = await within(check(), timeoutMs) ? "ok" : "down";
    }),
  );
  const down = Object.values(answers).includes("down");
  return { status: down ? "unready" : started ? "ready" : "starting", checks: answers };
}

/** Connected (not reconnecting) and answering a ping. */
function natsCheck(nc: NatsConnection): ReadinessCheck {
  return () => nc.rtt();
}

function databaseCheck(sql: Sql): ReadinessCheck {
  return () => sql`select 1`.execute();
}

async function within(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), timeoutMs));
  try {
    return await Promise.race([work.then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
