/**
 * `deno task keys`: the key lifecycle. Key-encryption keys live in the keyring file (a Docker
 * secret in production), data keys in the `data-keys` bucket.
 *
 *   deno task keys generate --file keyring.json         a new keyring (AES and SM2 KEKs)
 *   deno task keys add --file keyring.json --profile intl|gm --id k2
 *                                                        a new active KEK; the old one stays
 *   deno task keys usage                                 how many data keys each KEK wraps
 *   deno task keys rewrap                                moves every data key to the active KEKs
 *   deno task keys retire --file keyring.json --id k1    drops a KEK no data key needs any more
 *
 * `usage`, `rewrap` and `retire` read the keyring the service uses (TICKETD_KEYRING_FILE) and
 * its NATS (NATS_URL, and then they may run beside the service; without it they start the data
 * folder's private server, so stop the service first).
 *
 * `add`, `rewrap` and `retire` are ACTIVITY facts (`tickets.key.added`, `.rewrapped`,
 * `.retired`) by `cli:<os user>`, recorded at that NATS after the step (act, then record, as
 * for admin changes): if the fact cannot be recorded the step stands, and the tool says so on
 * stderr and exits 2 ("do not repeat it"); docs/audit-activity.md.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { parseArgs } from "node:util";
import {
  addKek,
  generateKeyringFile,
  type KeyringFile,
  parseKeyring,
} from "@ticketd/shared/crypto/keyring.ts";
import { INSTALLATION_TENANT, operatorParty } from "@ticketd/shared/activity/operator.ts";
import { ActivityRecorder, ActivityUnavailable } from "@ticketd/shared/activity/recorder.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { isProfile } from "@ticketd/shared/crypto/profiles.ts";
import type { Activity } from "@ticketd/shared/events/activity.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId, type WorkerLease } from "@ticketd/shared/ids/worker_lease.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import { isRegistered, markRetired } from "@ticketd/shared/keys/kek_registry.ts";
import { DATA_KEYS_BUCKET } from "@ticketd/shared/keys/kv_data_key_store.ts";
import { type OpenedEnvelope, openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import { type Infrastructure, openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { loadKeyring } from "@ticketd/shared/runtime/secrets.ts";
import { ConfigError, loadConfig } from "../config.ts";

const HELP = `deno task keys generate --file <keyring.json>
deno task keys add --file <keyring.json> --profile intl|gm --id <new id>
deno task keys usage
deno task keys rewrap
deno task keys retire --file <keyring.json> --id <old id>
(docs/crypto.md: "Key rotation")`;

/** A refusal the operator can act on: printed as one line, exit code 2. */
class Refusal extends Error {}

try {
  await run();
} catch (error) {
  const known = [Refusal, DomainError, RuntimeError, ConfigError, Deno.errors.NotFound];
  if (error instanceof Deno.errors.AlreadyExists) fail("the file exists; not overwriting it");
  if (!known.some((kind) => error instanceof kind)) throw error;
  fail((error as Error).message);
}

async function run(): Promise<void> {
  const { positionals: [command], values } = parsedArgs();
  const required = (name: "file" | "profile" | "id"): string => {
    const value = values[name];
    if (!value) throw new Refusal(`--${name} is required`);
    return value;
  };
  if (values.help) return console.log(HELP);
  switch (command) {
    case "generate":
      await writeKeyring(required("file"), generateKeyringFile(), { createNew: true });
      return console.log(`wrote a new keyring to ${values.file} (mode 600); keep a copy safe`);
    case "add": {
      const profile = required("profile");
      if (!isProfile(profile)) throw new Refusal("--profile must be intl or gm");
      const file = required("file");
      await writeKeyring(file, addKek(await readKeyring(file), profile, required("id")));
      console.log(
        `${values.id} is now the active ${profile} KEK; restart the services, ` +
          `then run "deno task keys rewrap"`,
      );
      return await withTool((tool) =>
        recordStep(tool, "tickets.key.added", { type: "key", id: values.id! }, { profile })
      );
    }
    case "usage":
      return console.log(JSON.stringify(await withDataKeys((o) => o.dataKeys.usage(), false)));
    case "rewrap": {
      return await withDataKeys(async (o, tool) => {
        const done = await o.dataKeys.rewrap((p) =>
          console.error(`rewrap: ${p.checked} checked, ${p.rewrapped} rewrapped`)
        );
        console.log(`rewrapped ${done.rewrapped} of ${done.checked} data keys; bodies untouched`);
        const target = { type: "data_keys", id: DATA_KEYS_BUCKET };
        await recordStep(tool, "tickets.key.rewrapped", target, {
          checked: done.checked,
          rewrapped: done.rewrapped,
        });
      }, true);
    }
    case "retire":
      return await retire(required("file"), required("id"));
    default:
      throw new Refusal(`unknown command "${command ?? ""}"\n${HELP}`);
  }
}

function parsedArgs() {
  try {
    return parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        file: { type: "string" },
        profile: { type: "string" },
        id: { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new Refusal(`${(error as Error).message}\n${HELP}`); // unknown or incomplete flags
  }
}

/** Drops `id` from the keyring file once no data key needs it, and records it as retired. */
async function retire(file: string, id: string): Promise<void> {
  const keyring = await readKeyring(file);
  const active = typeof keyring.active === "string"
    ? [keyring.active]
    : Object.values(keyring.active);
  if (active.includes(id)) throw new Refusal(`${id} is active; add a new KEK first`);
  await withDataKeys(async (opened, tool) => {
    if (!await isRegistered(opened.kv, id)) {
      throw new Refusal(`no KEK "${id}" was ever used with these data keys; check the id`);
    }
    const inUse = (await opened.dataKeys.usage())[id] ?? 0;
    if (inUse > 0) {
      throw new Refusal(`${inUse} data keys are still wrapped by ${id}; run rewrap first`);
    }
    await markRetired(opened.kv, id);
    const { [id]: _retired, ...keys } = keyring.keys;
    await writeKeyring(file, { ...keyring, keys });
    console.log(`retired ${id}; destroy every other copy of it (backups of the keyring file too)`);
    await recordStep(tool, "tickets.key.retired", { type: "key", id }, {});
  }, false);
}

/** What a step needs to record its fact: the connection, the settings, a logger. */
interface Tool {
  infra: Infrastructure;
  config: ReturnType<typeof loadConfig>;
  log: Logger;
}

/**
 * Records a finished step as the operator's fact, with an id from a leased worker id (the
 * running services' ids never collide with it). Unrecorded, it throws `activity_unavailable`
 * saying the step stands: printed, exit 2.
 */
async function recordStep(
  { infra, config, log }: Tool,
  action: string,
  target: Activity["target"],
  changes: NonNullable<Activity["changes"]>,
): Promise<void> {
  const { nc } = infra;
  const input = { ...operatorParty(), tenant: INSTALLATION_TENANT, action, target, changes };
  let lease: WorkerLease | undefined;
  try {
    lease = await leaseServiceWorkerId(new Kvm(nc), "keys", log);
    await ensureActivityStream(await jetstreamManager(nc), config.activity);
    const ids = new SnowflakeGenerator(lease.workerId);
    const recorder = new ActivityRecorder({
      js: jetstream(nc),
      service: "tickets",
      nextId: () => ids.next(),
      now: () => new Date(),
      settings: config.activity,
      log,
    });
    await recorder.recordApplied({ ...input, outcome: "ok" });
  } catch (error) {
    if (error instanceof ActivityUnavailable) throw error;
    // No id or no stream: the fact was never tried; the step stands all the same.
    log.error("activity not recorded", { fact: input, error: String(error) });
    throw new Refusal(
      `the step is done, but "${action}" could not be recorded (${String(error)}); ` +
        `do not repeat it`,
    );
  } finally {
    await lease?.release();
  }
}

async function withDataKeys<T>(
  run: (opened: OpenedEnvelope, tool: Tool) => Promise<T>,
  checkKeyring: boolean,
): Promise<T> {
  return await withTool(async (tool) => {
    const { infra, config, log } = tool;
    const keyring = await loadKeyring(config, log);
    const jsm = await jetstreamManager(infra.nc);
    await jsm.streams.info(`KV_${DATA_KEYS_BUCKET}`).catch(() => {
      throw new Refusal("no data keys at this NATS; check NATS_URL and TICKETD_DATA_DIR");
    });
    const opened = await openEnvelope(infra.nc, jsm, { keyring, ...config }, { checkKeyring });
    try {
      return await run(opened, tool);
    } finally {
      opened.close();
    }
  });
}

/** Runs `run` on the service's NATS and PostgreSQL (or the data folder's), then closes them. */
async function withTool<T>(run: (tool: Tool) => Promise<T>): Promise<T> {
  const config = loadConfig(Deno.env.toObject());
  await requireExistingData(config);
  const log = createLogger("warn", { tool: "keys" });
  const infra = await openInfrastructure(config, log);
  try {
    return await run({ infra, config, log });
  } finally {
    await infra.stop();
    await log.flush();
  }
}

/**
 * The tools read what a service wrote and never start afresh: a mistyped data folder must not
 * look like "no data key needs this KEK".
 */
async function requireExistingData(config: ReturnType<typeof loadConfig>): Promise<void> {
  const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
  if (!config.natsUrl && !await exists(`${config.dataDir}/nats`)) {
    throw new Refusal(`no Ticketd data in ${config.dataDir}; set TICKETD_DATA_DIR or NATS_URL`);
  }
  if (
    !config.keyringFile && !config.keyringJson && !await exists(`${config.dataDir}/keyring.json`)
  ) {
    throw new Refusal(`no keyring: set TICKETD_KEYRING_FILE (or TICKETD_DATA_DIR)`);
  }
}

async function readKeyring(path: string): Promise<KeyringFile> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof SyntaxError) throw new Refusal(`${path} is not valid JSON`);
    if (error instanceof Deno.errors.NotFound) throw new Refusal(`${path} does not exist`);
    throw error;
  }
}

/** Checks the keyring, then replaces the file in one rename so a crash never leaves half a file. */
async function writeKeyring(
  path: string,
  file: KeyringFile,
  options: { createNew?: boolean } = {},
) {
  parseKeyring(file);
  if (options.createNew) {
    await Deno.writeTextFile(path, JSON.stringify(file, null, 2), { mode: 0o600, createNew: true });
    return;
  }
  const temporary = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify(file, null, 2), { mode: 0o600 });
  await Deno.rename(temporary, path);
}

function fail(message: string): never {
  console.error(`keys: ${message}`);
  Deno.exit(2);
}
