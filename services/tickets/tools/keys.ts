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
 * its NATS (NATS_URL; without it the data folder's private server, so stop the service first).
 * @module
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { parseArgs } from "node:util";
import {
  addKek,
  generateKeyringFile,
  type KeyringFile,
  parseKeyring,
} from "@ticketd/shared/crypto/keyring.ts";
import { isProfile } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { loadKeyring } from "@ticketd/shared/runtime/secrets.ts";
import { loadConfig } from "../config.ts";

const { positionals: [command], values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { file: { type: "string" }, profile: { type: "string" }, id: { type: "string" } },
});

switch (command) {
  case "generate":
    await writeKeyring(required("file"), generateKeyringFile(), { createNew: true });
    console.log(`wrote a new keyring to ${values.file} (mode 600); keep a copy somewhere safe`);
    break;
  case "add": {
    const profile = required("profile");
    if (!isProfile(profile)) usage("--profile must be intl or gm");
    const file = required("file");
    await writeKeyring(file, addKek(await readKeyring(file), profile, required("id")));
    console.log(`${values.id} is now the active ${profile} KEK; run "deno task keys rewrap" next`);
    break;
  }
  case "usage":
    console.log(JSON.stringify(await withDataKeys((keys) => keys.usage())));
    break;
  case "rewrap": {
    const done = await withDataKeys((keys) =>
      keys.rewrap((p) => console.error(`rewrap: ${p.checked} checked, ${p.rewrapped} rewrapped`))
    );
    console.log(`rewrapped ${done.rewrapped} of ${done.checked} data keys; bodies untouched`);
    break;
  }
  case "retire": {
    const file = required("file");
    const id = required("id");
    const keyring = await readKeyring(file);
    const active = typeof keyring.active === "string"
      ? [keyring.active]
      : Object.values(keyring.active);
    if (active.includes(id)) usage(`${id} is active; add a new KEK first`);
    const inUse = (await withDataKeys((keys) => keys.usage()))[id] ?? 0;
    if (inUse > 0) usage(`${inUse} data keys are still wrapped by ${id}; run rewrap first`);
    const { [id]: _retired, ...keys } = keyring.keys;
    await writeKeyring(file, { ...keyring, keys });
    console.log(`retired ${id}; destroy every other copy of it (backups of the keyring file too)`);
    break;
  }
  default:
    usage("deno task keys generate|add|usage|rewrap|retire (see the header of tools/keys.ts)");
}

async function withDataKeys<T>(
  run: (keys: Awaited<ReturnType<typeof openEnvelope>>["dataKeys"]) => Promise<T>,
): Promise<T> {
  const config = loadConfig(Deno.env.toObject());
  const log = createLogger("warn", { tool: "keys" });
  const infra = await openInfrastructure(config, log);
  try {
    const keyring = await loadKeyring(config, log);
    const opened = await openEnvelope(infra.nc, await jetstreamManager(infra.nc), {
      keyring,
      ...config,
    });
    try {
      return await run(opened.dataKeys);
    } finally {
      opened.close();
    }
  } finally {
    await infra.stop();
    await log.flush();
  }
}

async function readKeyring(path: string): Promise<KeyringFile> {
  return JSON.parse(await Deno.readTextFile(path));
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

function required(name: "file" | "profile" | "id"): string {
  const value = values[name];
  if (!value) usage(`--${name} is required`);
  return value;
}

function usage(message: string): never {
  console.error(`keys: ${message}`);
  Deno.exit(2);
}
