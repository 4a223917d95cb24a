/**
 * Signs checkpoints: per tenant, once `everyEntries` entries were written since its last one, or
 * every `everyMs` for tenants with anything new. Heads are read back from the database, so a
 * checkpoint only ever names committed entries.
 * @module
 */
import { profileOf, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { checkpointStatement, signatureAlgOf } from "./domain/checkpoint.ts";
import type { AuditKeys } from "./signing/audit_keys.ts";
import type { AuditStore } from "./store/audit_store.ts";
import type { CheckpointStore } from "./store/checkpoint_store.ts";

export interface CheckpointerDeps {
  store: AuditStore;
  checkpoints: CheckpointStore;
  keys: AuditKeys;
  profiles: TenantProfiles;
  everyEntries: number;
  everyMs: number;
  log: Logger;
  now: () => Date;
}

export class Checkpointer {
  #pending = new Map<string, number>();
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #signed = 0;

  constructor(private readonly deps: CheckpointerDeps) {}

  /** Checkpoints signed by this process. */
  get signed(): number {
    return this.#signed;
  }

  start(): void {
    this.#timer = setInterval(() => this.flush(), this.deps.everyMs);
  }

  /** Called after a commit: `count` new entries of `tenant`. */
  written(tenant: string, count: number): void {
    const pending = (this.#pending.get(tenant) ?? 0) + count;
    this.#pending.set(tenant, pending);
    if (pending >= this.deps.everyEntries) this.#enqueue(tenant);
  }

  /** Checkpoints every tenant with entries since its last checkpoint; resolves when done. */
  flush(): Promise<void> {
    for (const tenant of this.#pending.keys()) this.#enqueue(tenant);
    return this.#queue;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  #enqueue(tenant: string): void {
    this.#pending.delete(tenant);
    this.#queue = this.#queue.then(() => this.#checkpoint(tenant)).catch((error) => {
      this.#pending.set(tenant, this.#pending.get(tenant) ?? 1);
      this.deps.log.error("checkpoint failed; retried later", { tenant, error: String(error) });
    });
  }

  async #checkpoint(tenant: string): Promise<void> {
    const heads = await this.deps.store.tenantHeads(tenant);
    if (heads.size === 0) return;
    const at = this.deps.now().toISOString();
    const statement = checkpointStatement(tenant, at, heads);
    const signer = this.deps.keys.signer(signatureAlgOf(profileOf(this.deps.profiles, tenant)));
    const signature = await signer.sign(statement);
    await this.deps.checkpoints.append({
      tenant,
      at,
      statement,
      alg: signer.alg,
      kid: signer.kid,
      signature,
    });
    this.#signed++;
  }
}
