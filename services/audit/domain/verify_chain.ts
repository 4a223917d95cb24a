/**
 * Checking one chain `(tenant, stream)` from its stored rows, fed in the order of their stored
 * position `n`, from any source (the database, later an archive segment). Names the first entry
 * that was altered (its bytes, hash or a query column no longer agree), removed (a position is
 * missing, or a head or checkpoint names more than is there) or reordered (an entry stored
 * after one it precedes). Pure: the caller reads, this judges.
 * @module
 */
import { type ChainHead, EMPTY_HEAD, type HashAlg, linkHash } from "./chain.ts";
import type { AuditEntry } from "./entry.ts";

/** A row as the store holds it: the hashed text plus the columns queries use. */
export interface StoredRow {
  tenant: string;
  stream: string;
  n: number;
  seq: number;
  at: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  text: string;
  alg: HashAlg;
  prevHash: string;
  hash: string;
}

export type FindingKind = "altered" | "removed" | "reordered";

/** The first thing wrong with a chain: which entry (`n`, source `seq`) and how. */
export interface Finding {
  kind: FindingKind;
  tenant: string;
  stream: string;
  n: number;
  seq: number | null;
  detail: string;
}

interface Gap {
  from: number;
  to: number;
  afterSeq: number;
}

/** Judges one chain row by row; the first finding ends it (later calls return it again). */
export class ChainVerifier {
  #last: ChainHead;
  #gap: Gap | null = null;
  #finding: Finding | null = null;
  #expected = new Map<number, string>();
  #checked = 0;

  constructor(readonly tenant: string, readonly stream: string, start: ChainHead = EMPTY_HEAD) {
    this.#last = start;
  }

  /** Rows accepted so far. */
  get checked(): number {
    return this.#checked;
  }

  /** A signed head to hold: the entry at `seq` must have `hash` (checked as rows pass). */
  expect(seq: number, hash: string): void {
    this.#expected.set(seq, hash);
  }

  /** Judges the next row; returns the first finding once there is one. */
  push(row: StoredRow): Finding | null {
    if (this.#finding) return this.#finding;
    const entry = parse(row.text);
    if (!entry || linkHash(row.alg, row.prevHash, row.text) !== row.hash) {
      return this.#found("altered", row.n, row.seq, "its bytes do not match its hash");
    }
    const column = mismatchedColumn(row, entry, this.tenant, this.stream);
    if (column) return this.#found("altered", entry.n, entry.source.seq, `${column} was changed`);
    const expectedN = this.#last.n + 1;
    if (this.#gap && entry.n >= this.#gap.from && entry.n <= this.#gap.to) {
      return this.#found(
        "reordered",
        entry.n,
        entry.source.seq,
        `stored after entry ${this.#last.n}`,
      );
    }
    if (entry.n < expectedN || entry.source.seq <= this.#last.seq) {
      return this.#found(
        "reordered",
        entry.n,
        entry.source.seq,
        `stored after entry ${this.#last.n}`,
      );
    }
    if (this.#gap) return this.#removed();
    if (entry.n > expectedN) {
      this.#gap = { from: expectedN, to: entry.n - 1, afterSeq: this.#last.seq };
    } else if (row.prevHash !== this.#last.hash) {
      return this.#found(
        "altered",
        this.#last.n,
        this.#last.n === 0 ? null : this.#last.seq,
        `entry ${entry.n} was chained to a different hash`,
      );
    } else if (row.n !== entry.n || row.seq !== entry.source.seq) {
      return this.#found("altered", entry.n, entry.source.seq, "its position columns were changed");
    }
    const signed = this.#expected.get(entry.source.seq);
    if (signed !== undefined && signed !== row.hash) {
      return this.#found("altered", entry.n, entry.source.seq, "a checkpoint signed another hash");
    }
    this.#expected.delete(entry.source.seq);
    this.#last = { n: entry.n, seq: entry.source.seq, hash: row.hash };
    this.#checked++;
    return null;
  }

  /** After the last row: the stored head (if any) and the checkpoints must be all there. */
  end(head?: ChainHead): Finding | null {
    if (this.#finding) return this.#finding;
    if (this.#gap) return this.#removed();
    const last = this.#last;
    if (head && head.n > last.n) {
      return this.#found("removed", last.n + 1, null, `the chain head is entry ${head.n}`);
    }
    if (head && (head.n < last.n || head.hash !== last.hash)) {
      return this.#found("altered", last.n, last.seq, "the stored chain head disagrees");
    }
    const missing = [...this.#expected.keys()].filter((seq) => seq > last.seq);
    if (missing.length > 0) {
      return this.#found("removed", last.n + 1, null, `a checkpoint names seq ${missing[0]}`);
    }
    return null;
  }

  #removed(): Finding {
    const gap = this.#gap!;
    const range = gap.from === gap.to ? `entry ${gap.from}` : `entries ${gap.from}..${gap.to}`;
    return this.#found("removed", gap.from, null, `${range} missing after seq ${gap.afterSeq}`);
  }

  #found(kind: FindingKind, n: number, seq: number | null, detail: string): Finding {
    return this.#finding = { kind, tenant: this.tenant, stream: this.stream, n, seq, detail };
  }
}

function parse(text: string): AuditEntry | null {
  try {
    const entry = JSON.parse(text) as AuditEntry;
    return Number.isInteger(entry?.n) && Number.isInteger(entry?.source?.seq) ? entry : null;
  } catch {
    return null;
  }
}

function mismatchedColumn(
  row: StoredRow,
  entry: AuditEntry,
  tenant: string,
  stream: string,
): string | null {
  if (row.tenant !== tenant || entry.tenant !== tenant) return "tenant";
  if (row.stream !== stream || entry.source.stream !== stream) return "stream";
  if (row.at !== entry.at) return "at";
  if (row.actorId !== entry.actor.id) return "actor_id";
  if (row.action !== entry.action) return "action";
  if (row.targetType !== entry.target.type || row.targetId !== entry.target.id) return "target";
  return null;
}
