/**
 * Verifying the whole audit log offline: every checkpoint's signature against the public keys,
 * then every chain row by row (domain/verify_chain.ts), holding each chain to its stored head and
 * to the heads its checkpoints signed. Rows come from the store; the verifier takes them from any
 * source, so archived segments can be checked the same way.
 * @module
 */
import type { ChainHead } from "./domain/chain.ts";
import type { CheckpointStatement } from "./domain/checkpoint.ts";
import { ChainVerifier, type Finding } from "./domain/verify_chain.ts";
import { type AuditPublicJwk, verifyStatement } from "./signing/audit_keys.ts";
import type { AuditStore, ChainKey } from "./store/audit_store.ts";
import type { CheckpointStore, StoredCheckpoint } from "./store/checkpoint_store.ts";

export interface CheckpointFinding {
  kind: "bad_checkpoint";
  checkpointId: string;
  tenant: string;
  detail: string;
}

export interface VerifyReport {
  chains: number;
  entries: number;
  checkpoints: number;
  seconds: number;
  finding: Finding | CheckpointFinding | null;
}

/** Checks checkpoints and chains; stops at the first finding. */
export async function verifyAuditLog(
  store: AuditStore,
  checkpoints: CheckpointStore,
  publicKeys: readonly AuditPublicJwk[],
  progress: (entries: number) => void = () => {},
  /** Where a chain's hot rows continue from (the archive's end, once retention removed some). */
  startOf: (chain: ChainKey) => ChainHead | undefined = () => undefined,
): Promise<VerifyReport> {
  const started = performance.now();
  const report = (part: Omit<VerifyReport, "seconds">): VerifyReport => ({
    ...part,
    seconds: (performance.now() - started) / 1000,
  });
  const expected = new Map<string, Map<number, string>>();
  let checked = 0;
  for await (const checkpoint of checkpoints.all()) {
    const bad = await checkSignature(checkpoint, publicKeys);
    if (bad) return report({ chains: 0, entries: 0, checkpoints: checked, finding: bad });
    const statement = JSON.parse(checkpoint.statement) as CheckpointStatement;
    for (const [stream, head] of Object.entries(statement.heads)) {
      const key = chainId(statement.tenant, stream);
      if (!expected.has(key)) expected.set(key, new Map());
      expected.get(key)!.set(head.seq, head.hash);
    }
    checked++;
  }
  let entries = 0;
  const chains = await store.chains();
  const headsByStream = new Map<string, Map<string, ChainHead>>();
  for (const chain of chains) {
    if (!headsByStream.has(chain.stream)) {
      headsByStream.set(chain.stream, await store.heads(chain.stream));
    }
    const verifier = new ChainVerifier(chain.tenant, chain.stream, startOf(chain));
    for (const [seq, hash] of expected.get(chainId(chain.tenant, chain.stream)) ?? []) {
      verifier.expect(seq, hash);
    }
    for await (const row of store.rows(chain)) {
      const finding = verifier.push(row);
      if (finding) return report({ chains: chains.length, entries, checkpoints: checked, finding });
      if (++entries % 50_000 === 0) progress(entries);
    }
    const finding = verifier.end(headsByStream.get(chain.stream)!.get(chain.tenant));
    if (finding) return report({ chains: chains.length, entries, checkpoints: checked, finding });
  }
  return report({ chains: chains.length, entries, checkpoints: checked, finding: null });
}

async function checkSignature(
  checkpoint: StoredCheckpoint,
  publicKeys: readonly AuditPublicJwk[],
): Promise<CheckpointFinding | null> {
  const bad = (detail: string): CheckpointFinding => ({
    kind: "bad_checkpoint",
    checkpointId: checkpoint.id,
    tenant: checkpoint.tenant,
    detail,
  });
  const key = publicKeys.find((k) => k.kid === checkpoint.kid);
  if (!key) return bad(`no public key "${checkpoint.kid}"`);
  if (key.alg !== checkpoint.alg) return bad(`key "${key.kid}" is not an ${checkpoint.alg} key`);
  if (!(await verifyStatement(key, checkpoint.statement, checkpoint.signature))) {
    return bad("the signature does not verify");
  }
  const statement = JSON.parse(checkpoint.statement) as CheckpointStatement;
  if (statement.tenant !== checkpoint.tenant || statement.at !== checkpoint.at) {
    return bad("its tenant or time columns were changed");
  }
  return null;
}

function chainId(tenant: string, stream: string): string {
  return `${tenant}\u0000${stream}`;
}
