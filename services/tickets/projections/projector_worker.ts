/**
 * The projector on a thread of its own: a Web Worker with its own NATS connection and database
 * pool, so projecting (decrypting, tokenising, writing) does not compete with the HTTP path for
 * the main thread. It reports each committed position back to the main thread.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import postgres from "postgres";
import { type EnvelopeSettings, openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { tenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import { createLogger, type LogLevel } from "@ticketd/shared/log/logger.ts";
import { NATS_CLIENT_OPTIONS } from "@ticketd/shared/runtime/infrastructure.ts";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";
import { ProjectionWatch } from "./projection_watch.ts";
import { SearchProfiles } from "./search_profiles.ts";
import { TicketProjector } from "./projector.ts";

export interface ProjectorWorkerStart extends EnvelopeSettings {
  type: "start";
  natsUrl: string;
  databaseUrl: string;
  stream: string;
  projector: { name: string; batchSize: number; maxTokens: number };
  logLevel: LogLevel;
}

export type ProjectorWorkerReport =
  | { type: "started"; position: number }
  | { type: "position"; position: number }
  | { type: "stopped" }
  | { type: "failed"; error: string };

const self = globalThis as unknown as {
  onmessage: (event: MessageEvent) => void;
  postMessage: (report: ProjectorWorkerReport) => void;
  close: () => void;
};

let stop: (() => Promise<void>) | null = null;

self.onmessage = async (event: MessageEvent<ProjectorWorkerStart | { type: "stop" }>) => {
  try {
    if (event.data.type === "start") stop = await start(event.data);
    else {
      await stop?.();
      self.postMessage({ type: "stopped" });
      self.close();
    }
  } catch (error) {
    self.postMessage({ type: "failed", error: String(error) });
  }
};

async function start(init: ProjectorWorkerStart): Promise<() => Promise<void>> {
  const log = createLogger(init.logLevel, { service: "tickets", thread: "projector" });
  const nc = await connect({
    ...natsServerOptions(init.natsUrl),
    name: "ticketd-projector",
    ...NATS_CLIENT_OPTIONS,
  });
  const sql = postgres(init.databaseUrl, {
    max: 2,
    transform: postgres.camel,
    onnotice: () => {},
    connection: { application_name: "ticketd-projector", TimeZone: "UTC" },
  });
  const watch = new ProjectionWatch();
  watch.onAdvance = (position) => self.postMessage({ type: "position", position });
  const jsm = await jetstreamManager(nc);
  const { envelope, close } = await openEnvelope(nc, jsm, init);
  const projector = new TicketProjector({
    js: jetstream(nc),
    jsm,
    sql,
    envelope,
    hashTokens: tenantTokenHasher(init.keyring.searchKey, init.profiles),
    searchProfiles: new SearchProfiles(sql, init.profiles),
    stream: init.stream,
    ...init.projector,
    watch,
    log,
  });
  await projector.start();
  self.postMessage({ type: "started", position: watch.position });
  return async () => {
    await projector.stop();
    close();
    await sql.end({ timeout: 5 });
    await nc.drain();
    await log.flush();
  };
}
