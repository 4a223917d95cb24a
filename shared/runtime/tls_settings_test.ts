import assert from "node:assert/strict";
import {
  httpsClient,
  loadTlsSettings,
  natsTls,
  postgresSsl,
  s3Trust,
  serveTls,
  TlsSettingsError,
} from "./tls_settings.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

async function files(): Promise<{ dir: string; pem: string; text: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tls_settings_" });
  await Deno.writeTextFile(`${dir}/a.pem`, PEM);
  await Deno.writeTextFile(`${dir}/plain.txt`, "not a certificate");
  return { dir, pem: `${dir}/a.pem`, text: `${dir}/plain.txt` };
}

Deno.test("loadTlsSettings - nothing set is plain everywhere", () => {
  const tls = loadTlsSettings({});
  assert.deepEqual(serveTls(tls), {});
  assert.deepEqual(natsTls(tls), {});
  assert.deepEqual(postgresSsl("postgres://h/db?sslmode=verify-full", tls), {});
});

Deno.test("loadTlsSettings - a certificate without its key is refused, naming both", async () => {
  const { pem } = await files();
  assert.throws(
    () => loadTlsSettings({ TICKETD_TLS_CERT_FILE: pem }),
    (error: unknown) =>
      error instanceof TlsSettingsError && /TICKETD_TLS_KEY_FILE/.test(error.message),
  );
});

Deno.test("loadTlsSettings - a missing or non-PEM file names the setting", async () => {
  const { dir, text } = await files();
  assert.throws(
    () => loadTlsSettings({ TICKETD_TLS_CA_FILE: `${dir}/nope.crt` }),
    /TICKETD_TLS_CA_FILE: cannot read/,
  );
  assert.throws(() => loadTlsSettings({ DENO_CERT: text }), /DENO_CERT: .* is not a PEM file/);
});

Deno.test("loadTlsSettings - the CA falls back to DENO_CERT and reaches NATS and PostgreSQL", async () => {
  const { pem } = await files();
  const tls = loadTlsSettings({ DENO_CERT: pem });
  assert.deepEqual(natsTls(tls), { tls: { caFile: pem } });
  assert.deepEqual(postgresSsl("postgres://u@h:5432/db?sslmode=verify-full", tls), {
    ssl: { ca: PEM, rejectUnauthorized: true },
  });
  assert.deepEqual(postgresSsl("postgres://u@h:5432/db?sslmode=require", tls), {});
});

Deno.test("loadTlsSettings - certificate and key make HTTPS, a NATS client pair goes to NATS", async () => {
  const { pem } = await files();
  const tls = loadTlsSettings({
    TICKETD_TLS_CERT_FILE: pem,
    TICKETD_TLS_KEY_FILE: pem,
    TICKETD_NATS_TLS_CERT_FILE: pem,
    TICKETD_NATS_TLS_KEY_FILE: pem,
  });
  assert.deepEqual(serveTls(tls), { cert: PEM, key: PEM });
  assert.deepEqual(natsTls(tls), { tls: { caFile: undefined, certFile: pem, keyFile: pem } });
});

Deno.test("s3Trust - the S3 client's agent carries the CA, none without one", async () => {
  const { pem } = await files();
  assert.deepEqual(s3Trust(loadTlsSettings({})), {});
  const { transportAgent } = s3Trust(loadTlsSettings({ TICKETD_TLS_CA_FILE: pem }));
  assert.equal(transportAgent?.options.ca, PEM);
});

Deno.test("httpsClient - a fetch client only when a CA is given", () => {
  assert.deepEqual(httpsClient(loadTlsSettings({})), {});
});
