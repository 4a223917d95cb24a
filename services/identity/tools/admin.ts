/**
 * `deno task identity:admin`: add users and OAuth clients from the command line. Uses
 * `DATABASE_URL`, or the embedded database in the data folder (with Ticketd stopped). Generated
 * passwords and client secrets are printed once and stored only as scrypt hashes. Each change is
 * an ACTIVITY fact by `cli:<os user>`, written to the outbox in the change's own transaction; the
 * identity service publishes it (docs/audit-activity.md, "Facts from the command-line tools").
 *
 *   deno task identity:admin add-user --tenant acme --username alice --role agent --groups support
 *   deno task identity:admin add-client --tenant acme --client-id portal --public \
 *     --redirect-uri https://portal.example/callback
 *   deno task identity:admin add-client --tenant acme --client-id crm --grant client_credentials \
 *     --role agent --scope tickets
 * @module
 */
import { parseArgs } from "node:util";
import postgres, { type Sql } from "postgres";
import { operatorParty } from "@ticketd/shared/activity/operator.ts";
import type { Activity } from "@ticketd/shared/events/activity.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { lockDataDir } from "@ticketd/shared/runtime/data_dir_lock.ts";
import { startEmbeddedPostgres } from "@ticketd/shared/runtime/embedded_postgres.ts";
import { enqueueActivity } from "../activity_outbox.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { redirectUriProblem } from "../domain/redirect_uris.ts";
import { isIdentityRole, takesGroups } from "../domain/roles.ts";
import { normaliseUsername, USERNAME } from "../login.ts";
import { hashSecret, randomSecret } from "../passwords.ts";
import { ClientStore, GRANT_TYPES, type GrantType } from "../store/clients.ts";
import { UserStore } from "../store/users.ts";

const USAGE = `deno task identity:admin add-user --tenant <t> --username <name> --role <role>
    [--email <e>] [--groups a,b]   (password: TICKETD_NEW_PASSWORD, or generated)
  deno task identity:admin add-client --tenant <t> --client-id <id> [--name <n>]
    [--public] [--grant authorization_code|refresh_token|client_credentials]...
    [--redirect-uri <uri>]... [--scope <s>]... [--role <role>]`;

const { values, positionals } = parseFlags();
if (values.help || positionals.length !== 1) usage();
if (!values.tenant || !TENANT.test(values.tenant)) usage(`--tenant must match ${TENANT}`);

const config = configOrExit();
const ids = new SnowflakeGenerator(config.workerId);
const operator = operatorParty();
const command = positionals[0] === "add-user"
  ? addUser(values.tenant)
  : positionals[0] === "add-client"
  ? addClient(values.tenant)
  : usage(`unknown command "${positionals[0]}"`);

const stops: (() => Promise<void>)[] = [];
let failed = false;
let stage = config.databaseUrl
  ? "the database (DATABASE_URL)"
  : `the embedded database in ${config.dataDir}/pg`;
try {
  let url = config.databaseUrl;
  if (!url) {
    stops.unshift((await lockDataDir(config.dataDir)).release);
    const pg = await startEmbeddedPostgres({ dataDir: `${config.dataDir}/pg` });
    stops.unshift(pg.stop);
    url = pg.url;
  }
  const sql = postgres(url, {
    max: 1,
    transform: postgres.camel,
    onnotice: () => {},
    connect_timeout: 10,
  });
  stops.unshift(() => sql.end({ timeout: 1 }));
  await migrate(sql, "identity", new URL("../migrations/", import.meta.url));
  stage = "";
  await command(sql);
} catch (error) {
  failed = true;
  console.error(`identity:admin: ${stage ? `${stage}: ` : ""}${oneLine(error)}`);
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
if (failed) Deno.exit(1);

function parseFlags() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        tenant: { type: "string" },
        username: { type: "string" },
        role: { type: "string" },
        email: { type: "string" },
        groups: { type: "string", default: "" },
        "client-id": { type: "string" },
        name: { type: "string" },
        public: { type: "boolean", default: false },
        grant: { type: "string", multiple: true },
        "redirect-uri": { type: "string", multiple: true, default: [] },
        scope: { type: "string", multiple: true, default: ["tickets"] },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    // Unknown flags, a flag without its value: parseArgs says which.
    return usage(oneLine(error));
  }
}

/** The settings, or exit 2 naming the bad one. */
function configOrExit() {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`identity:admin: ${error.message}`);
    Deno.exit(2);
  }
}

/** An error as one line: its message (or name), never a stack. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split("\n").map((line) => line.trim()).filter(Boolean).join(" ");
}

/** Checks the flags now; the returned function writes the user. */
function addUser(tenant: string): (sql: Sql) => Promise<void> {
  const role = values.role;
  if (!isIdentityRole(role)) usage("--role must be customer, agent, supervisor, admin or auditor");
  if (!values.username || !USERNAME.test(normaliseUsername(values.username))) {
    usage("--username: 1-128 letters, digits or _.@+-");
  }
  const given = Deno.env.get("TICKETD_NEW_PASSWORD");
  const password = given ?? randomSecret(15);
  if (password.length < config.passwords.minChars) usage("TICKETD_NEW_PASSWORD is too short");
  const groups = values.groups.split(",").filter(Boolean);
  if (groups.length > 0 && !takesGroups(role)) usage("only agents and supervisors have --groups");
  const username = values.username;
  return async (sql) => {
    const passwordHash = await hashSecret(password, config.scrypt);
    const user = await withFact(sql, async (tx) => {
      const user = await new UserStore(tx).create({
        id: ids.next(),
        tenant,
        username: normaliseUsername(username),
        email: values.email ?? null,
        passwordHash,
        role,
        groups,
      });
      const changes = { role, groups, email: values.email !== undefined };
      const target = { type: "user", id: user.id };
      return { value: user, fact: { tenant, action: "identity.user.created", target, changes } };
    });
    console.log(`user ${user.id} "${user.username}" (${role}) in tenant "${tenant}"`);
    if (!given) console.log(`password (shown once): ${password}`);
  };
}

/** Checks the flags now; the returned function writes the client. */
function addClient(tenant: string): (sql: Sql) => Promise<void> {
  const clientId = values["client-id"];
  if (!clientId || !/^[\w.-]{1,64}$/.test(clientId)) usage("--client-id: 1-64 of [A-Za-z0-9_.-]");
  // A client's tokens carry its id as subject: all digits could be mistaken for a user's id.
  if (/^[0-9]+$/.test(clientId)) usage("--client-id: must not be all digits (user ids are)");
  const grants = (values.grant ??
    (values.public
      ? ["authorization_code", "refresh_token"]
      : ["client_credentials"])) as GrantType[];
  if (!grants.every((g) => GRANT_TYPES.includes(g))) usage(`--grant: ${GRANT_TYPES.join(", ")}`);
  const role = values.role ?? null;
  if (role !== null && !isIdentityRole(role)) {
    usage("--role: customer, agent, supervisor, admin, auditor");
  }
  if (grants.includes("client_credentials") && (values.public || !role)) {
    usage("client_credentials needs a confidential client (no --public) with a --role");
  }
  if (grants.includes("authorization_code") && values["redirect-uri"].length === 0) {
    usage("authorization_code needs at least one --redirect-uri");
  }
  for (const uri of values["redirect-uri"]) {
    const problem = redirectUriProblem(uri);
    if (problem) usage(`--redirect-uri ${JSON.stringify(uri)} is refused: it ${problem}`);
  }
  const secret = values.public ? null : randomSecret();
  const redirectUris = values["redirect-uri"];
  const scopes = values.scope;
  const name = values.name ?? clientId;
  return async (sql) => {
    const secretHash = secret ? await hashSecret(secret, config.scrypt) : null;
    await withFact(sql, async (tx) => {
      const client = { clientId, tenant, name, secretHash, redirectUris, grantTypes: grants };
      await new ClientStore(tx).create({ ...client, scopes, role });
      const changes = {
        public: secretHash === null,
        grantTypes: grants,
        scopes,
        role,
        redirectUris: redirectUris.length,
        name: true,
      };
      return {
        value: undefined,
        fact: {
          tenant,
          action: "identity.client.created",
          target: { type: "client", id: clientId },
          changes,
        },
      };
    });
    console.log(`client "${clientId}" in tenant "${tenant}": ${grants.join(", ")}`);
    if (secret) console.log(`client secret (shown once): ${secret}`);
  };
}

type ToolFact = Pick<Activity, "tenant" | "action" | "target" | "changes">;

/** Makes a change and its fact in one transaction: both are committed, or neither is. */
async function withFact<T>(
  sql: Sql,
  change: (tx: Sql) => Promise<{ value: T; fact: ToolFact }>,
): Promise<T> {
  return await sql.begin(async (tx) => {
    const { value, fact } = await change(tx as unknown as Sql);
    const at = new Date().toISOString();
    await enqueueActivity(tx as unknown as Sql, {
      ...fact,
      ...operator,
      id: ids.next(),
      at,
      outcome: "ok",
    });
    return value;
  }) as T;
}

/** Exit 2 with one line naming the problem, or (no problem: --help) 0 with the usage. */
function usage(problem?: string): never {
  if (problem) {
    console.error(`identity:admin: ${problem} (deno task identity:admin --help for usage)`);
    Deno.exit(2);
  }
  console.error(USAGE);
  Deno.exit(0);
}
