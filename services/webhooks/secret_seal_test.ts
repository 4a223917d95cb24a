import assert from "node:assert/strict";
import { generateKeyringFile, parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { newSecret, openSecret, sealSecret } from "./secret_seal.ts";

const keyring = parseKeyring(generateKeyringFile());

Deno.test("sealSecret - the sealed form hides the secret and opens only for its own subscription", () => {
  for (const profile of ["intl", "gm"] as const) {
    const secret = newSecret();
    const scope = { tenant: "acme", subscriptionId: "1" };
    const sealed = sealSecret(keyring, profile, secret, scope);
    assert.equal(sealed.includes(secret.slice(6)), false);
    assert.equal(openSecret(keyring, sealed, scope), secret);
    assert.throws(
      () => openSecret(keyring, sealed, { tenant: "acme", subscriptionId: "2" }),
      /failed to open/,
    );
  }
});
