/**
 * The container entry of the Ticketd image: `deno run ... deploy/launch.ts <service>`. Settings
 * given as Docker secrets (`<NAME>_FILE`) become `<NAME>` first, then one service runs.
 * `identity` and `tickets` stand alone; routing, sessions, attachments, audit and email are
 * followers that run beside a tickets instance of their own (projector and ids leased, so any
 * number of tickets instances share the work) until they have mains of their own.
 * @module
 */
import { runIdentity } from "../services/identity/main.ts";
import { type Follower, runTickets } from "../services/tickets/main.ts";
import { routingFollower } from "../services/routing/main.ts";
import { sessionsFollower } from "../services/sessions/main.ts";
import { attachmentsFollower } from "../services/attachments/main.ts";
import { auditFollower } from "../services/audit/main.ts";
import { emailFollower } from "../services/email/main.ts";

/** Settings that are values, not paths, but must not sit in the compose file or `docker inspect`. */
const SECRET_SETTINGS = ["PGPASSWORD", "TICKETD_S3_ACCESS_KEY", "TICKETD_S3_SECRET_KEY"];

const FOLLOWERS: Record<string, (env: Record<string, string | undefined>) => Follower> = {
  routing: routingFollower,
  sessions: sessionsFollower,
  attachments: attachmentsFollower,
  audit: auditFollower,
  email: emailFollower,
};

/** `env` with each `<NAME>_FILE` of {@link SECRET_SETTINGS} read into `<NAME>` (trimmed). */
export async function withSecretFiles(
  env: Record<string, string>,
): Promise<Record<string, string>> {
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
  const service = Deno.args[0] ?? "";
  const env = await withSecretFiles(Deno.env.toObject());
  for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
  if (service === "identity") await runIdentity(env);
  else if (service === "tickets") await runTickets(env);
  else if (FOLLOWERS[service]) await runTickets(env, [], [FOLLOWERS[service](env)]);
  else {
    console.error(
      `launch: name a service: identity, tickets, ${Object.keys(FOLLOWERS).join(", ")}`,
    );
    Deno.exit(64);
  }
}
