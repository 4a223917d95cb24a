/**
 * `deno task routing:retrain`: retrains one tenant's routing models from its own solved and
 * closed tickets, reports held-out accuracy and macro-F1 against the majority baseline, writes
 * `<TICKETD_DATA_DIR>/routing-models/<tenant>/{queue,priority}.model`, then tells running
 * routing instances to reload them (`routing.models.<tenant>.changed`).
 *
 *   deno task routing:retrain --tenant acme [--kind queue|priority|both] [--seed N]
 *
 * Same environment as `deno task start` (TICKETD_DATA_DIR, NATS_URL, TICKETD_KEYRING_FILE...).
 * With NATS_URL it runs beside the service; without it, it starts the data folder's private
 * nats-server, so stop the service first (routing loads the new models when it starts again).
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { parseArgs } from "node:util";
import { DomainError } from "@ticketd/shared/errors.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import { lockDataDir } from "@ticketd/shared/runtime/data_dir_lock.ts";
import { NATS_CLIENT_OPTIONS, redact } from "@ticketd/shared/runtime/infrastructure.ts";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";
import { startPrivateNats } from "@ticketd/shared/runtime/private_nats.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { loadKeyring } from "@ticketd/shared/runtime/secrets.ts";
import { ConfigError, loadConfig, type TicketsConfig } from "../../tickets/config.ts";
import { reportMarkdown } from "../classifier/report_markdown.ts";
import { announceModelsChanged, MODEL_KINDS, type ModelKind } from "../model_book.ts";
import { type RetrainReport, retrainTenant } from "../retrain.ts";

const HELP = `deno task routing:retrain --tenant <tenant> [--kind queue|priority|both] [--seed N]
(docs/routing-classifier.md: "Retraining from your own tickets")`;

/** A refusal the operator can act on: printed as one line, exit code 2. */
class Refusal extends Error {}

try {
  await run();
} catch (error) {
  const known = [Refusal, DomainError, RuntimeError, ConfigError];
  if (!known.some((kind) => error instanceof kind)) throw error;
  console.error(`retrain: ${(error as Error).message}`);
  Deno.exit(2);
}

async function run(): Promise<void> {
  const { tenant, kinds, seed } = parsedArgs();
  const config = loadConfig(Deno.env.toObject());
  await requireExistingData(config);
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, {
    tool: "routing-retrain",
  });
  const nats = await openNats(config, log);
  try {
    const jsm = await jetstreamManager(nats.nc);
    await jsm.streams.info(config.stream.name).catch(() => {
      throw new Refusal(`no ${config.stream.name} stream at this NATS; check NATS_URL`);
    });
    const keyring = await loadKeyring(config, log);
    const { envelope, close } = await openEnvelope(nats.nc, jsm, { keyring, ...config });
    try {
      const report = await retrainTenant({
        js: jetstream(nats.nc),
        jsm,
        envelope,
        stream: config.stream.name,
        tenant,
        outDir: `${config.dataDir}/routing-models`,
        kinds,
        seed,
        log,
        onProgress: (p) =>
          console.error(`retrain: replayed ${p.messages} messages (at ${p.position} of ${p.head})`),
      });
      console.log(reportText(report));
      const reloaded = await announceModelsChanged(nats.nc, tenant);
      console.log(
        reloaded
          ? `Running routing reloaded tenant ${tenant}'s models (${reloaded.join(", ")}).`
          : "No running routing answered; it loads the new models when it starts.",
      );
    } finally {
      close();
    }
  } finally {
    await nats.stop();
    await log.flush();
  }
}

function parsedArgs(): { tenant: string; kinds: readonly ModelKind[]; seed?: number } {
  let values;
  try {
    values = parseArgs({
      args: Deno.args,
      options: {
        tenant: { type: "string" },
        kind: { type: "string", default: "both" },
        seed: { type: "string" },
      },
    }).values;
  } catch (error) {
    throw new Refusal(`${(error as Error).message}\n${HELP}`); // unknown or incomplete flags
  }
  const tenant = values.tenant ?? "";
  if (!TENANT.test(tenant)) {
    throw new Refusal(
      `--tenant must name a tenant (lower-case letters, digits, _ and -), got "${tenant}"\n${HELP}`,
    );
  }
  const kind = values.kind;
  if (kind !== "both" && !(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new Refusal(`--kind must be queue, priority or both, got "${kind}"`);
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Refusal("--seed must be an integer");
  return { tenant, kinds: kind === "both" ? MODEL_KINDS : [kind as ModelKind], seed };
}

/** A retrain reads what the service wrote: a mistyped folder must not look like "no tickets". */
async function requireExistingData(config: TicketsConfig): Promise<void> {
  const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
  if (!await exists(config.dataDir)) {
    throw new Refusal(`no Ticketd data folder at ${config.dataDir}; set TICKETD_DATA_DIR`);
  }
  if (!config.natsUrl && !await exists(`${config.dataDir}/nats`)) {
    throw new Refusal(`no Ticketd data in ${config.dataDir}; set TICKETD_DATA_DIR or NATS_URL`);
  }
  // Without a keyring, loadKeyring would make a new one that opens nothing.
  if (
    !config.keyringFile && !config.keyringJson && !await exists(`${config.dataDir}/keyring.json`)
  ) {
    throw new Refusal("no keyring: set TICKETD_KEYRING_FILE (or TICKETD_DATA_DIR)");
  }
}

/** NATS only (a retrain needs no database): NATS_URL's, or the data folder's private server. */
async function openNats(config: TicketsConfig, log: Logger) {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const one of stops) await one().catch(() => {});
  };
  try {
    let url = config.natsUrl;
    if (!url) {
      stops.unshift((await lockDataDir(config.dataDir)).release);
      const nats = await startPrivateNats({
        authToken: true,
        storeDir: `${config.dataDir}/nats`,
        logFile: `${config.dataDir}/nats-server.log`,
      });
      stops.unshift(nats.stop);
      url = nats.url;
      log.info("started the data folder's nats-server", { storeDir: `${config.dataDir}/nats` });
    }
    const nc: NatsConnection = await connect({
      ...natsServerOptions(url),
      name: "ticketd-routing-retrain",
      ...NATS_CLIENT_OPTIONS,
    }).catch((error) => {
      throw new RuntimeError(
        "nats_unreachable",
        `Cannot reach NATS at ${redact(url!)} (${(error as Error).message}); check NATS_URL`,
      );
    });
    stops.unshift(() => nc.drain());
    return { nc, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function reportText(report: RetrainReport): string {
  const lines = [
    `Tenant ${report.tenant}: ${report.messages} messages, ${report.tickets} tickets, ` +
    `${report.solvedWithText} solved or closed with text.`,
  ];
  for (const kind of MODEL_KINDS) {
    const trained = report[kind];
    const refused = report.refused[kind];
    if (trained) {
      const labels = Object.entries(trained.labels).map(([label, n]) => `${label} ${n}`);
      lines.push("", reportMarkdown(trained.report), "");
      lines.push(
        `Wrote ${trained.path} (trained on all ${trained.examples}: ${labels.join(", ")})`,
      );
    } else if (refused) {
      lines.push("", `${kind}: not trained (${refused.code}): ${refused.message}`);
    }
  }
  return lines.join("\n");
}
