/**
 * Entries and stored rows for tests of the chain and its verification.
 * @module
 */
import { chain, type ChainedEntry, type ChainHead, EMPTY_HEAD, type HashAlg } from "./chain.ts";
import type { UnchainedEntry } from "./entry.ts";
import type { StoredRow } from "./verify_chain.ts";

/** An entry of `tenant` from stream TICKETS at `seq`. */
export function sampleEntry(seq: number, tenant = "acme"): UnchainedEntry {
  return {
    tenant,
    source: { stream: "TICKETS", seq },
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actor: { id: `agent-${seq % 3}`, role: "agent" },
    action: "tickets.ticket.change_status",
    target: { type: "ticket", id: String(1000 + seq) },
    outcome: "ok",
    ip: "192.0.2.1",
    requestId: `req-${seq}`,
    changes: { events: ["TicketStatusChanged"], fields: ["from", "to"] },
  };
}

/** The row the store keeps for `chained`. */
export function rowOf(chained: ChainedEntry): StoredRow {
  const { entry } = chained;
  return {
    tenant: entry.tenant,
    stream: entry.source.stream,
    n: entry.n,
    seq: entry.source.seq,
    at: entry.at,
    actorId: entry.actor.id,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    text: chained.text,
    alg: chained.alg,
    prevHash: chained.prevHash,
    hash: chained.hash,
  };
}

/** A chain of `count` entries at seqs 10, 20, 30, ...; returns its rows and head. */
export function sampleChain(count: number, alg: HashAlg = "SHA-256") {
  let head: ChainHead = EMPTY_HEAD;
  const rows: StoredRow[] = [];
  for (let i = 1; i <= count; i++) {
    const next = chain(head, sampleEntry(i * 10), alg);
    rows.push(rowOf(next.chained));
    head = next.head;
  }
  return { rows, head };
}
