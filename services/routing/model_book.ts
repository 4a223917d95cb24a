/**
 * The models routing guesses with: a tenant's own (trained from its solved tickets by
 * `deno task routing:retrain`, kept in the data folder) or else the bootstrap models shipped in
 * `services/routing/models/`. A model only speaks above its confidence threshold.
 * @module
 */
import { classify, type Model, parseModel } from "./classifier/mod.ts";
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

  /** Loads the bootstrap models from `modelsDir` ("" = none); tenants' from `tenantDir`. */
  static async open(modelsDir: string, tenantDir: string | null): Promise<ModelBook> {
    return new ModelBook(modelsDir ? await loadModels(modelsDir) : {}, tenantDir);
  }

  /** The model's guess for a new ticket: a queue (used as the group) and a priority. */
  guess(ticket: RoutingTicket): ModelGuess {
    const models = this.#tenants.get(ticket.tenant) ?? this.bootstrap;
    const text = `${ticket.subject}\n${ticket.body}`;
    const guess: ModelGuess = {};
    const queue = models.queue ? classify(models.queue, text, { reasons: 0 }).label : null;
    if (queue) guess.groupId = queue;
    const priority = models.priority ? classify(models.priority, text, { reasons: 0 }).label : null;
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
