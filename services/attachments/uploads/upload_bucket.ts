/**
 * The KV bucket `attachment-uploads`: upload states read with their revision and written only
 * by compare-and-set, so a writer that lost a race learns it (and answers 409).
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import { type KV, Kvm } from "@nats-io/kv";
import { type UploadState, uploadState } from "./upload_state.ts";

export const UPLOADS_BUCKET = "attachment-uploads";

export interface Revisioned {
  state: UploadState;
  revision: number;
}

const encoder = new TextEncoder();

/** Upload states by tenant and id. */
export class UploadBucket {
  constructor(private readonly kv: KV) {}

  /** Opens (or creates) the bucket; one value per key is all it keeps. */
  static async open(nc: NatsConnection): Promise<UploadBucket> {
    return new UploadBucket(await new Kvm(nc).create(UPLOADS_BUCKET, { history: 1 }));
  }

  /** The state and its revision, or null if there is none. */
  get(tenant: string, id: string): Promise<Revisioned | null> {
    return this.#read(uploadKey(tenant, id));
  }

  /** Stores a new upload; false if the key is taken. */
  async create(state: UploadState): Promise<Revisioned | null> {
    try {
      const revision = await this.kv.create(uploadKey(state.tenant, state.id), encode(state));
      return { state, revision };
    } catch (error) {
      if (isWrongRevision(error)) return null;
      throw error;
    }
  }

  /** Replaces the state if it is still at `revision`; null if someone else wrote first. */
  async update(state: UploadState, revision: number): Promise<Revisioned | null> {
    try {
      const next = await this.kv.update(uploadKey(state.tenant, state.id), encode(state), revision);
      return { state, revision: next };
    } catch (error) {
      if (isWrongRevision(error)) return null;
      throw error;
    }
  }

  /** Forgets an upload. */
  async remove(tenant: string, id: string): Promise<void> {
    await this.kv.purge(uploadKey(tenant, id));
  }

  /** Every upload state (for the sweeper). */
  async *all(): AsyncGenerator<Revisioned> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    for (const key of keys) {
      const found = await this.#read(key);
      if (found) yield found;
    }
  }

  async #read(key: string): Promise<Revisioned | null> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== "PUT") return null;
    return { state: uploadState.parse(entry.json()), revision: entry.revision };
  }
}

/** `<tenant>.<id>`: both are plain tokens (tenant checked by auth, ids are decimal). */
export function uploadKey(tenant: string, id: string): string {
  return `${tenant}.${id}`;
}

function encode(state: UploadState): Uint8Array {
  return encoder.encode(JSON.stringify(state));
}

/** JetStream's "wrong last sequence" (10071) or "key exists" on create. */
function isWrongRevision(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return text.includes("wrong last sequence") || text.includes("10071") ||
    text.includes("key exists");
}
