/**
 * Sealed subjects for a million seeded rows in seconds: one data key from the service's own
 * `data-keys` bucket (so the service opens what the seeder wrote), and each value sealed with
 * {@link sealWithKey}, exactly what `Envelope.seal` does once it holds the key.
 * @module
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { sealWithKey } from "@ticketd/shared/crypto/envelope.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";

export type Seal = (plaintext: string, scope: { tenant: string; ticketId: string }) => string;

/** A synchronous sealer whose output the service opens, checked once before use. */
export async function bulkSealer(natsUrl: string, keyring: Keyring, tenant: string): Promise<Seal> {
  const nc = await connect({ servers: natsUrl, name: "ticketd-bench-seed" });
  try {
    const settings = { keyring, profiles: parseTenantProfiles("intl"), dataKeyCacheEntries: 10 };
    const { envelope, dataKeys, close } = await openEnvelope(
      nc,
      await jetstreamManager(nc),
      settings,
    );
    const key = await dataKeys.forOwner(tenant, "bench-seed", "intl");
    close();
    const seal: Seal = (plaintext, scope) => sealWithKey(key, plaintext, scope);
    const probe = "Sealed by bench/bulk_sealer.ts — 崩溃";
    const scope = { tenant, ticketId: "1" };
    if (await envelope.open(seal(probe, scope), scope) !== probe) {
      throw new Error("bulk sealer output does not open with Envelope");
    }
    return seal;
  } finally {
    await nc.close();
  }
}
