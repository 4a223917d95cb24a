import { deepEqual, equal } from "node:assert/strict";
import { loadAuditKeys, readPublicKeys, SIGNATURE_ALGS, verifyStatement } from "./audit_keys.ts";

Deno.test("loadAuditKeys - makes a key per algorithm once; signatures verify with the public keys only", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const keys = await loadAuditKeys({ dataDir });
    const again = await loadAuditKeys({ dataDir });
    deepEqual(again.publicJwks, keys.publicJwks);
    const published = await readPublicKeys(`${dataDir}/audit-keys.json`);
    deepEqual(published, keys.publicJwks.keys);
    equal(published.some((key) => "d" in key), false);
    for (const alg of SIGNATURE_ALGS) {
      const signer = keys.signer(alg);
      const signature = await signer.sign('{"tenant":"acme"}');
      const jwk = published.find((key) => key.kid === signer.kid)!;
      equal(await verifyStatement(jwk, '{"tenant":"acme"}', signature), true);
      equal(await verifyStatement(jwk, '{"tenant":"acmf"}', signature), false);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
