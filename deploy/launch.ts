/**
 * The container entry of the Ticketd image: `deno run ... deploy/launch.ts <service>`. Settings
 * given as Docker secrets (`<NAME>_FILE`) become `<NAME>` first, then that one service runs
 * alone, as its own `services/<name>/main.ts` runs it (`deno task stack` does the same).
 * @module
 */
import { runIdentity } from "../services/identity/main.ts";
import { runTickets } from "../services/tickets/main.ts";
import { runAlone } from "../services/standalone.ts";
import { routingFollower } from "../services/routing/main.ts";
import { sessionsFollower } from "../services/sessions/main.ts";
import { attachmentsFollower } from "../services/attachments/main.ts";
import { auditFollower } from "../services/audit/main.ts";
import { emailFollower } from "../services/email/main.ts";
import { webhooksFollower } from "../services/webhooks/main.ts";
import { reportsFollower } from "../services/reports/main.ts";
import { runGateway } from "../services/gateway/main.ts";

/** Settings that are values, not paths, but must not sit in the compose file or `docker inspect`. */
const SECRET_SETTINGS = ["PGPASSWORD", "TICKETD_S3_ACCESS_KEY", "TICKETD_S3_SECRET_KEY"];

type Env = Record<string, string>;

/** Each service's own run, as its `main.ts` does it when run directly. */
export const SERVICES: Record<string, (env: Env) => Promise<void>> = {
  identity: runIdentity,
  tickets: (env) => runTickets(env),
  routing: (env) => runAlone("routing", routingFollower(env), env),
  sessions: (env) => runAlone("sessions", sessionsFollower(env), env),
  attachments: (env) => runAlone("attachments", attachmentsFollower(env), env),
  audit: (env) => runAlone("audit", auditFollower(env), env),
  email: (env) => runAlone("email", emailFollower(env), env),
  webhooks: (env) => runAlone("webhooks", webhooksFollower(env), env),
  reports: (env) => runAlone("reports", reportsFollower(env), env),
  gateway: runGateway,
};

/** `env` with each `<NAME>_FILE` of {@link SECRET_SETTINGS} read into `<NAME>` (trimmed). */
export async function withSecretFiles(env: Env): Promise<Env> {
  const out = { ...env };
  for (const name of SECRET_SETTINGS) {
    const file = out[`${name}_FILE`];
    if (!file) continue;
    out[name] = (await Deno.readTextFile(file)).trim();
    delete out[`${name}_FILE`];
  }
  return out;
}

if (import.meta.main) {
  const run = SERVICES[Deno.args[0] ?? ""];
  if (!run) {
    console.error(`launch: name a service: ${Object.keys(SERVICES).join(", ")}`);
    Deno.exit(64);
  }
  const env = await withSecretFiles(Deno.env.toObject());
  for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
  await run(env);
}
