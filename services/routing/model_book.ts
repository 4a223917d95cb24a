/**
 * The models routing guesses with: a tenant's own (trained from its solved tickets by
 * `deno task routing:retrain`, kept in the data folder, loaded at start and again when
 * `routing.models.<tenant>.changed` is published) or else the bootstrap models shipped in
 * `services/routing/models/`. A model only speaks above its confidence threshold.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import {
  classify,
  featurize,
  type Model,
  parseModel,
  sameFeatures,
  type SparseVector,
} from "./classifier/mod.ts";
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { PRIORITIES } from "@ticketd/shared/events/tickets.ts";
import type { ModelGuess } from "./domain/route_plan.ts";
import type { RoutingTicket } from "./domain/routing_ticket.ts";

export const MODEL_KINDS = ["queue", "priority"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

interface Models {
  queue?: Model;
  priority?: Model;
}

export class ModelBook {
  readonly #tenants = new Map<string, Models>();

  private constructor(
    private readonly bootstrap: Models,
    private readonly tenantDir: string | null,
  ) {}

  /**
   * Loads the bootstrap models from `modelsDir` ("" = none), and every tenant's in `tenantDir`
   * (a retrain done while routing was stopped counts at start). A tenant whose files cannot be
   * read keeps the bootstrap models, said in the log: one tenant must not stop routing.
   */
  static async open(
    modelsDir: string,
    tenantDir: string | null,
    log?: Logger,
  ): Promise<ModelBook> {
    const book = new ModelBook(modelsDir ? await loadModels(modelsDir) : {}, tenantDir);
    for (const tenant of await tenantFolders(tenantDir)) {
      await book.reload(tenant).catch((error) =>
        log?.error("cannot load a tenant's models", { tenant, error: String(error) })
      );
    }
    return book;
  }

  /**
   * The model's guess for a new ticket: a queue (used as the group) and a priority, each only
   * when `ask` wants it (a classification costs about as much as the rest of a decision).
   */
  guess(ticket: RoutingTicket, ask: { queue: boolean; priority: boolean }): ModelGuess {
    const models = this.#tenants.get(ticket.tenant) ?? this.bootstrap;
    const text = `${ticket.subject}\n${ticket.body}`;
    // Featurising is most of a classification: both models share it when configured alike.
    let made: { model: Model; vector: SparseVector } | undefined;
    const label = (model: Model) => {
      if (!made || !sameFeatures(made.model.features, model.features)) {
        made = { model, vector: featurize(text, model.features) };
      }
      return classify(model, text, { reasons: 0, vector: made.vector }).label;
    };
    const guess: ModelGuess = {};
    const queue = ask.queue && models.queue ? label(models.queue) : null;
    if (queue) guess.groupId = queue;
    const priority = ask.priority && models.priority ? label(models.priority) : null;
    if (priority && (PRIORITIES as readonly string[]).includes(priority)) {
      guess.priority = priority as Priority;
    }
    return guess;
  }

  /** (Re)loads a tenant's own models after a retrain; missing files leave the bootstrap. */
  async reload(tenant: string): Promise<Models> {
    if (!this.tenantDir) return {};
    const own = await loadModels(`${this.tenantDir}/${tenant}`);
    const merged = { ...this.bootstrap, ...own };
    this.#tenants.set(tenant, merged);
    return own;
  }
}

/** The subject a retrain publishes on once a tenant's model files are replaced. */
export function modelsChangedSubject(tenant: string): string {
  return `routing.models.${tenant}.changed`;
}

/**
 * Tells every running routing instance to reload `tenant`'s models; resolves with the kinds the
 * first instance to answer loaded, or null when none answered within `timeoutMs` (then routing
 * loads them at its next start).
 */
export async function announceModelsChanged(
  nc: NatsConnection,
  tenant: string,
  timeoutMs = 2_000,
): Promise<string[] | null> {
  const reply = await nc.request(modelsChangedSubject(tenant), "", { timeout: timeoutMs })
    .catch(() => null); // no responders or a timeout: nobody is running to reload
  if (!reply) return null;
  const answer = reply.json() as { kinds?: string[]; error?: string };
  if (answer.error) throw new Error(`Routing could not reload tenant "${tenant}": ${answer.error}`);
  return answer.kinds ?? [];
}

/** Reloads a tenant's models whenever {@link modelsChangedSubject} is published, then answers. */
export function reloadOnModelsChanged(
  nc: NatsConnection,
  book: ModelBook,
  log: Logger,
): { stop(): Promise<void> } {
  const subscription = nc.subscribe(modelsChangedSubject("*"), {
    callback: (error, msg) => {
      const tenant = msg?.subject.split(".")[2] ?? "";
      if (error || !TENANT.test(tenant)) return; // a subject token is no path to trust
      book.reload(tenant).then(
        (own) => {
          log.info("reloaded a tenant's models", { tenant, kinds: Object.keys(own) });
          if (msg.reply) msg.respond(JSON.stringify({ tenant, kinds: Object.keys(own) }));
        },
        (why) => {
          log.error("cannot reload a tenant's models", { tenant, error: String(why) });
          if (msg.reply) msg.respond(JSON.stringify({ tenant, error: String(why) }));
        },
      );
    },
  });
  return { stop: () => subscription.drain() };
}

async function tenantFolders(dir: string | null): Promise<string[]> {
  if (!dir) return [];
  const tenants: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory && TENANT.test(entry.name)) tenants.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return tenants.sort();
}

async function loadModels(dir: string): Promise<Models> {
  const models: Models = {};
  for (const kind of MODEL_KINDS) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(`${dir}/${kind}.model`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    models[kind] = await parseModel(bytes);
  }
  return models;
}
