/**
 * The archiver, run by the audit writer while it holds the `audit-writer` lease (so one per
 * deployment): every `checkMs` it seals each chain's due runs into segments (size or time
 * trigger) and uploads them, then removes from the hot table the entries of verified segments
 * older than the hot retention. Heads are read from the database, so only committed entries
 * are ever sealed.
 * @module
 */
import { profileOf, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { EMPTY_HEAD } from "../domain/chain.ts";
import { hashAlgOf, signatureAlgOf } from "../domain/checkpoint.ts";
import type { StoredRow } from "../domain/verify_chain.ts";
import type { AuditKeys } from "../signing/audit_keys.ts";
import type { AuditStore, ChainKey } from "../store/audit_store.ts";
import { sealDue, type SealPolicy } from "./domain/seal_due.ts";
import type { SegmentBucket } from "./segment_bucket.ts";
import { type SegmentRecord, SegmentRecords } from "./segment_records.ts";
import { sealSegment } from "./seal_segment.ts";

export interface ArchiverDeps {
  store: AuditStore;
  bucket: SegmentBucket;
  keys: AuditKeys;
  profiles: TenantProfiles;
  policy: SealPolicy;
  checkMs: number;
  hotRetentionMs: number;
  log: Logger;
  now: () => Date;
}

export class Archiver {
  readonly records: SegmentRecords;
  #pendingSince = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = true;
  #sealed = 0;
  #pruned = 0;

  constructor(private readonly deps: ArchiverDeps) {
    this.records = new SegmentRecords(deps.store.sql);
  }

  /** Segments sealed and entries pruned by this process. */
  get counts(): { sealed: number; pruned: number } {
    return { sealed: this.#sealed, pruned: this.#pruned };
  }

  async start(): Promise<void> {
    await this.deps.bucket.ensure();
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass: seals what is due, then prunes; resolves when done (also for tests and tools). */
  tick(): Promise<void> {
    this.#running = this.#running.then(() => this.#pass()).catch((error) => {
      this.deps.log.error("archive pass failed; retried later", { error: String(error) });
    });
    return this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      await this.tick();
      this.#schedule();
    }, this.deps.checkMs);
  }

  async #pass(): Promise<void> {
    for (const chain of await this.deps.store.chains()) {
      // One chain that cannot be sealed (its hot rows fail verification) holds up only itself.
      await this.#archiveChain(chain).catch((error) => {
        this.deps.log.error("audit chain not archived", {
          tenant: chain.tenant,
          stream: chain.stream,
          error: String(error),
        });
      });
    }
    await this.#prune();
  }

  async #archiveChain(chain: ChainKey): Promise<void> {
    const head = (await this.deps.store.heads(chain.stream)).get(chain.tenant);
    if (!head) return;
    const id = `${chain.tenant}\u0000${chain.stream}`;
    let last = await this.records.last(chain);
    for (;;) {
      const fromN = (last?.toN ?? 0) + 1;
      const now = this.deps.now().getTime();
      if (fromN > head.n) {
        this.#pendingSince.delete(id);
        return;
      }
      if (!this.#pendingSince.has(id)) this.#pendingSince.set(id, now);
      const since = this.#pendingSince.get(id)!;
      const due = sealDue({ fromN, toN: head.n, since }, this.deps.policy, now);
      if (!due) return;
      last = await this.#seal(chain, due.fromN, due.toN, last);
      this.#pendingSince.set(id, now);
    }
  }

  async #seal(
    chain: ChainKey,
    fromN: number,
    toN: number,
    previous: SegmentRecord | null,
  ): Promise<SegmentRecord> {
    const rows: StoredRow[] = [];
    for await (const row of this.deps.store.rows(chain, { fromN, toN })) rows.push(row);
    const profile = profileOf(this.deps.profiles, chain.tenant);
    const start = previous
      ? { n: previous.toN, seq: previous.toSeq, hash: previous.lastHash }
      : EMPTY_HEAD;
    const { signed, keys } = await sealSegment(this.deps.bucket, {
      rows,
      start,
      digestAlg: hashAlgOf(profile),
      signer: this.deps.keys.signer(signatureAlgOf(profile)),
      createdAt: this.deps.now().toISOString(),
    });
    await this.records.add(signed.manifest, keys);
    this.#sealed++;
    this.deps.log.info("audit segment archived", {
      tenant: chain.tenant,
      stream: chain.stream,
      fromN,
      toN,
      key: keys.data,
      bytes: signed.manifest.bytes,
    });
    return (await this.records.last(chain))!;
  }

  async #prune(): Promise<void> {
    const before = new Date(this.deps.now().getTime() - this.deps.hotRetentionMs);
    for (const segment of await this.records.prunable(before)) {
      // The uploaded object must still be there, whole, before its hot copy goes.
      if ((await this.deps.bucket.size(segment.dataKey)) !== segment.bytes) {
        this.deps.log.error("archived segment missing or changed; its entries stay hot", {
          key: segment.dataKey,
        });
        continue;
      }
      this.#pruned += await this.records.prune(segment);
    }
  }
}
