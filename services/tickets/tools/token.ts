/**
 * `deno task token`: prints a bearer token signed with the local dev key, for curl and scripts.
 * Usage: deno task token [--role agent] [--groups billing,go] [--tenant demo] [--sub alice]
 * [--ttl 3600]
 * @module
 */
import { parseArgs } from "node:util";
import { type Role, ROLES } from "@ticketd/shared/events/tickets.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import { loadDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { loadConfig } from "../config.ts";

const { values } = parseOptions();

if (values.help) {
  console.log(
    `deno task token [--role ${ROLES.join("|")}] [--groups <g1,g2>] [--tenant demo] [--sub <id>]` +
      " [--ttl <seconds>]",
  );
  Deno.exit(0);
}
const role = values.role as Role;
if (!ROLES.includes(role)) usage(`--role must be one of ${ROLES.join(", ")}`);
if (!TENANT.test(values.tenant)) usage(`--tenant must match ${TENANT}`);
const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) usage("--ttl must be a positive integer");

const { dataDir } = loadConfig(Deno.env.toObject());
const keys = await loadDevKeys(dataDir);
if (!keys) {
  usage(`no dev signing key in ${dataDir}/; start Ticketd first (or set TICKETD_DATA_DIR)`);
}
console.log(
  await mintDevToken(keys, {
    sub: values.sub ?? `${role}-1`,
    tenant: values.tenant,
    role,
    groups: values.groups ? values.groups.split(",").filter((g) => g !== "") : undefined,
    ttlSeconds,
  }),
);

function parseOptions() {
  try {
    return parseArgs({
      options: {
        role: { type: "string", default: "agent" },
        tenant: { type: "string", default: "demo" },
        sub: { type: "string" },
        groups: { type: "string" },
        ttl: { type: "string", default: "43200" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
}

function usage(message: string): never {
  console.error(`token: ${message}`);
  Deno.exit(2);
}
