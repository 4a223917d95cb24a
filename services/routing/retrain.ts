/**
 * Retraining routing's classifiers from one tenant's own solved tickets: replay the tenant's
 * commits up to the stream head as it was at start, open subjects and first messages in memory
 * only, measure on a held-out part against the majority baseline, train on every example and
 * write `<outDir>/<tenant>/{queue,priority}.model` atomically. `tools/retrain.ts` is its CLI.
 * @module
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { DomainError, fail } from "@ticketd/shared/errors.ts";
import { decodeCommit, type TicketCommit } from "@ticketd/shared/events/tickets.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import {
  PRIORITY_SETTINGS,
  QUEUE_SETTINGS,
  trainAndMeasure,
  type TrainingReport,
  trainSeeded,
  type TrainSettings,
} from "./classifier/bootstrap.ts";
import type { LabelledRow } from "./classifier/data_rows.ts";
import { examplesFromTickets, serializeModel, splitHeldOut } from "./classifier/mod.ts";
import { foldCommit, type TrackedTicket } from "./domain/ticket_fold.ts";
import { MODEL_KINDS, type ModelKind } from "./model_book.ts";

/** Below these a tenant's data is refused: a model trained on less would guess, not learn. */
export const RETRAIN_LIMITS = { minExamples: 50, minLabels: 2 };
export type RetrainLimits = typeof RETRAIN_LIMITS;

/** How often (in messages replayed) `onProgress` is called by default. */
export const RETRAIN_PROGRESS_EVERY = 10_000;

/** Values opened at once: enough to hide the data-key lookups, few enough to bound memory. */
const OPEN_CONCURRENCY = 32;

const SETTINGS: Record<ModelKind, TrainSettings> = {
  queue: QUEUE_SETTINGS,
  priority: PRIORITY_SETTINGS,
};

/** What opens sealed text (an `Envelope`): null when the content was erased. */
export interface TextOpener {
  openUnlessErased(sealed: string, scope: { tenant: string; ticketId: string }): Promise<
    string | null
  >;
}

export interface RetrainDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  envelope: TextOpener;
  /** The ticket stream's name. */
  stream: string;
  tenant: string;
  /** Models go to `<outDir>/<tenant>/<kind>.model`. */
  outDir: string;
  /** Default both. */
  kinds?: readonly ModelKind[];
  /** Overrides the training seed of every kind (default: the bootstrap settings' seeds). */
  seed?: number;
  log: Logger;
  onProgress?: (progress: ReplayProgress) => void;
  /** Messages between two `onProgress` calls (default {@link RETRAIN_PROGRESS_EVERY}). */
  progressEvery?: number;
  limits?: RetrainLimits;
}

export interface ReplayProgress {
  /** The tenant's messages replayed so far. */
  messages: number;
  /** Stream sequence of the last one. */
  position: number;
  /** The stream head at start: the replay stops there. */
  head: number;
}

export interface TrainedKind {
  /** Examples trained on (all of them, after the held-out measurement). */
  examples: number;
  /** Examples per label. */
  labels: Record<string, number>;
  /** Held-out evaluation, majority baseline, timings (as `tools/train.ts retrain` reports). */
  report: TrainingReport;
  /** Where the model was written. */
  path: string;
}

export interface RetrainReport {
  tenant: string;
  messages: number;
  tickets: number;
  /** Solved or closed tickets whose text could be read. */
  solvedWithText: number;
  queue?: TrainedKind;
  priority?: TrainedKind;
  /** Kinds not trained, and why (their earlier model files, if any, are left as they were). */
  refused: Partial<Record<ModelKind, { code: string; message: string }>>;
}

/** Retrains the tenant's models; throws the refusal when no requested kind could be trained. */
export async function retrainTenant(deps: RetrainDeps): Promise<RetrainReport> {
  const { tenant, log } = deps;
  if (!TENANT.test(tenant)) {
    fail("invalid_tenant", `"${tenant}" is not a tenant id (lower-case letters, digits, _ and -)`);
  }
  const { tickets, messages } = await replayTenant(deps);
  if (tickets.size === 0) {
    fail("retrain_no_tickets", `Tenant "${tenant}" has no tickets in stream ${deps.stream}`);
  }
  const rows = await openExamples(tenant, [...tickets.values()], deps.envelope);
  const report: RetrainReport = {
    tenant,
    messages,
    tickets: tickets.size,
    solvedWithText: rows.solvedWithText,
    refused: {},
  };
  const kinds = deps.kinds ?? MODEL_KINDS;
  for (const kind of kinds) {
    try {
      report[kind] = await trainKind(deps, kind, rows[kind]);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      report.refused[kind] = { code: error.code, message: error.message };
      log.info("retrain refused a model", { tenant, kind, code: error.code });
    }
  }
  if (kinds.every((kind) => report[kind] === undefined)) {
    const first = report.refused[kinds[0]]!;
    fail(first.code, kinds.map((kind) => report.refused[kind]!.message).join("; "));
  }
  return report;
}

/** A ticket as retraining folds it: routing's fold, plus the sealed text kept after close. */
export interface TrainingTicket {
  ticket: TrackedTicket;
  sealedSubject: string | null;
  sealedBody: string | null;
}

/**
 * {@link foldCommit}, keeping the sealed subject and first public message of closed tickets
 * (routing's fold drops them; a solved ticket is soon closed, and imports arrive closed in one
 * commit). Erasure still wins: an erased ticket keeps no text. Pure.
 */
export function foldForTraining(
  previous: TrainingTicket | undefined,
  commit: TicketCommit,
  version: number,
): TrainingTicket | undefined {
  const ticket = foldCommit(previous?.ticket, commit, version);
  if (!ticket) return undefined;
  if (ticket.erased) return { ticket, sealedSubject: null, sealedBody: null };
  let sealedSubject = previous?.sealedSubject ?? null;
  let sealedBody = previous?.sealedBody ?? null;
  for (const event of commit.events) {
    if (event.type === "TicketCreated") [sealedSubject, sealedBody] = [event.data.subject, null];
    if (event.type === "MessagePosted" && !event.data.internal) sealedBody ??= event.data.body;
  }
  return { ticket, sealedSubject, sealedBody };
}

/** Folds the tenant's commits with an ordered consumer, up to the head the stream had at start. */
async function replayTenant(deps: RetrainDeps) {
  const { js, jsm, stream, tenant, log } = deps;
  const tickets = new Map<string, TrainingTicket>();
  const head = (await jsm.streams.info(stream)).state.last_seq;
  const consumer = await js.consumers.get(stream, { filter_subjects: `tickets.${tenant}.>` });
  let messages = 0;
  if (head === 0 || (await consumer.info(true)).num_pending === 0) return { tickets, messages };
  const every = deps.progressEvery ?? RETRAIN_PROGRESS_EVERY;
  const feed = await consumer.consume({ max_messages: 1024 });
  for await (const msg of feed) {
    if (msg.seq > head) break; // appended after the start: not part of this retrain
    messages++;
    try {
      const commit = decodeCommit(msg.data);
      const key = commit.meta.ticketId;
      const next = foldForTraining(tickets.get(key), commit, msg.seq);
      if (next && commit.meta.tenant === tenant) tickets.set(key, next);
    } catch (error) {
      log.error("retrain skipped an undecodable commit", { seq: msg.seq, error: String(error) });
    }
    if (messages % every === 0) deps.onProgress?.({ messages, position: msg.seq, head });
    if (msg.seq >= head || msg.info.pending === 0) break;
  }
  await feed.close().catch(() => {});
  await consumer.delete().catch(() => {}); // ephemeral anyway; gone sooner
  return { tickets, messages };
}

/** Opens the text of solved and closed tickets and labels them, per kind, with the ticket id. */
async function openExamples(tenant: string, tickets: TrainingTicket[], envelope: TextOpener) {
  const solved = tickets.filter(({ ticket }) =>
    (ticket.status === "solved" || ticket.status === "closed") && ticket.tenant === tenant
  );
  const rows: Record<ModelKind, LabelledRow[]> = { queue: [], priority: [] };
  let solvedWithText = 0;
  for (let at = 0; at < solved.length; at += OPEN_CONCURRENCY) {
    const batch = solved.slice(at, at + OPEN_CONCURRENCY);
    const opened = await Promise.all(batch.map((one) => openTicket(one, envelope)));
    for (const ticket of opened) {
      const examples = examplesFromTickets([ticket]);
      if (examples.priority.length > 0) solvedWithText++;
      for (const kind of MODEL_KINDS) {
        for (const example of examples[kind]) rows[kind].push({ id: ticket.ticketId, ...example });
      }
    }
  }
  return { ...rows, solvedWithText };
}

async function openTicket(
  { ticket, sealedSubject, sealedBody }: TrainingTicket,
  envelope: TextOpener,
) {
  const scope = { tenant: ticket.tenant, ticketId: ticket.ticketId };
  const [subject, body] = await Promise.all([
    sealedSubject ? envelope.openUnlessErased(sealedSubject, scope) : null,
    sealedBody ? envelope.openUnlessErased(sealedBody, scope) : null,
  ]);
  return { ...ticket, subject: subject ?? "", body: body ?? "" };
}

/** Refuses too little data, measures on the held-out part, trains on all and writes the file. */
async function trainKind(
  deps: RetrainDeps,
  kind: ModelKind,
  rows: LabelledRow[],
): Promise<TrainedKind> {
  const limits = deps.limits ?? RETRAIN_LIMITS;
  const labels = countLabels(rows);
  const who = `tenant "${deps.tenant}"`;
  if (rows.length < limits.minExamples) {
    fail(
      "retrain_too_few_examples",
      `Cannot train a ${kind} model for ${who}: ${rows.length} solved tickets with text, at least ${limits.minExamples} needed`,
    );
  }
  const trainLabels = new Set(splitHeldOut(rows).train.map((row) => row.label)).size;
  if (Object.keys(labels).length < limits.minLabels || trainLabels < 2) {
    fail(
      "retrain_too_few_labels",
      `Cannot train a ${kind} model for ${who}: its solved tickets have ${
        Object.keys(labels).length
      } distinct ${kind === "queue" ? "groups" : "priorities"} (${
        Object.keys(labels).join(", ")
      }), at least ${limits.minLabels} needed`,
    );
  }
  const settings = { ...SETTINGS[kind], ...(deps.seed === undefined ? {} : { seed: deps.seed }) };
  const name = `${kind} model of tenant ${deps.tenant}`;
  const { report } = await trainAndMeasure(name, rows, settings);
  const dir = `${deps.outDir.replace(/\/$/, "")}/${deps.tenant}`;
  const path = `${dir}/${kind}.model`;
  await Deno.mkdir(dir, { recursive: true });
  await writeAtomically(path, await serializeModel(trainSeeded(rows, settings)));
  deps.log.info("retrained a model", { tenant: deps.tenant, kind, examples: rows.length, path });
  return { examples: rows.length, labels, report, path };
}

function countLabels(rows: readonly LabelledRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { label } of rows) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/** Writes beside the target, then renames: a reader sees the old file or the new, never half. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${Deno.pid}.tmp`;
  try {
    await Deno.writeFile(temporary, bytes);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
