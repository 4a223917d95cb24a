/**
 * What `deno task backup` and `deno task restore` read from the environment: the servers the
 * services use (NATS_URL, DATABASE_URL, the TLS settings) and the transfer limits. With
 * `--stack <dataDir>`, the servers of a running `deno task stack` come from its stack.env.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { intSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";
import {
  loadTlsSettings,
  natsTls,
  type TlsSettings,
} from "@ticketd/shared/runtime/tls_settings.ts";
import { usage } from "../../services/audit/tools/cli.ts";
import { readStackEnv, STACK_ENV_FILE } from "../stack/stack_env.ts";

export interface BackupSettings {
  natsUrl: string;
  databaseUrl: string;
  tls: TlsSettings;
  /** TICKETD_BACKUP_CHUNK_BYTES: the size of each snapshot and restore chunk. */
  chunkBytes: number;
  /** TICKETD_BACKUP_TIMEOUT_MS: how long the server may stay silent on a request or a chunk. */
  timeoutMs: number;
  /** TICKETD_BACKUP_FINISH_TIMEOUT_MS: how long a server may take to rebuild a restored stream. */
  finishTimeoutMs: number;
}

/** The settings of `env`; a missing server or a bad number is a usage error naming it. */
export function loadBackupSettings(env: Record<string, string | undefined>): BackupSettings {
  const int = intSettings(env, (message) => usage(message));
  if (!env.NATS_URL || !env.DATABASE_URL) {
    usage(
      "set NATS_URL and DATABASE_URL to the servers the services use, or give --stack <dataDir> " +
        "for a running deno task stack (for the embedded servers of deno task start, stop it and " +
        "copy its data folder instead)",
    );
  }
  return {
    natsUrl: env.NATS_URL,
    databaseUrl: env.DATABASE_URL,
    tls: loadTlsSettings(env),
    chunkBytes: int("TICKETD_BACKUP_CHUNK_BYTES", 128 * 1024, 1024, 8 * 1024 * 1024),
    timeoutMs: int("TICKETD_BACKUP_TIMEOUT_MS", 30_000, 1_000),
    finishTimeoutMs: int("TICKETD_BACKUP_FINISH_TIMEOUT_MS", 600_000, 1_000),
  };
}

/** The process's environment, with the servers of the stack running on `stackDir` over it. */
export async function toolEnv(
  stackDir: string | undefined,
): Promise<Record<string, string | undefined>> {
  const env = Deno.env.toObject();
  if (!stackDir) return env;
  try {
    return { ...env, ...await readStackEnv(stackDir) };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    usage(
      `${stackDir}/${STACK_ENV_FILE} is missing: is deno task stack running with ` +
        `TICKETD_DATA_DIR=${stackDir}?`,
    );
  }
}

/** A NATS connection for the tool (no reconnect loop: a tool fails and says so). */
export async function connectNats(settings: BackupSettings, name: string): Promise<NatsConnection> {
  return await connect({
    ...natsServerOptions(settings.natsUrl),
    ...natsTls(settings.tls),
    name,
    maxReconnectAttempts: 0,
  });
}
