import assert from "node:assert/strict";
import { loadSenders } from "./senders.ts";
import { outboundSettings } from "./settings.ts";

async function withFiles(
  senders: unknown,
  secrets: unknown,
  fn: (env: Record<string, string>) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-senders-" });
  try {
    await Deno.writeTextFile(`${dir}/senders.json`, JSON.stringify(senders));
    await Deno.writeTextFile(`${dir}/secrets.json`, JSON.stringify(secrets));
    await Deno.writeTextFile(`${dir}/ca.pem`, "-----BEGIN CERTIFICATE-----\n");
    await fn({
      TICKETD_EMAIL_OUTBOUND_FILE: `${dir}/senders.json`,
      TICKETD_EMAIL_SECRETS_FILE: `${dir}/secrets.json`,
      CA: `${dir}/ca.pem`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const acme = (smtp: Record<string, unknown> = {}) => ({
  from: { name: "Acme Support", address: "Help@Acme.example" },
  smtp: { host: "smtp.acme.example", port: 465, tls: "implicit", ...smtp },
});

Deno.test("loadSenders - a tenant with defaults: verified TLS, English, both notices", () =>
  withFiles({ tenants: { acme: acme() } }, {}, async (env) => {
    const sender = (await loadSenders(outboundSettings(env))).get("acme")!;
    assert.equal(sender.domain, "acme.example");
    assert.equal(sender.language, "en");
    assert.deepEqual(sender.notify, { created: true, solved: true });
    assert.equal(sender.smtp.verifyCertificate, true);
    assert.equal(sender.smtp.login, undefined);
  }));

Deno.test("loadSenders - the login comes from the secrets file and the CA from its file", () =>
  withFiles(
    { tenants: {} },
    { "acme-relay": "s3cret" },
    async (env) => {
      await Deno.writeTextFile(
        env.TICKETD_EMAIL_OUTBOUND_FILE,
        JSON.stringify({
          tenants: {
            acme: acme({ auth: { user: "acme", passwordSecret: "acme-relay" }, caFile: env.CA }),
          },
        }),
      );
      const sender = (await loadSenders(outboundSettings(env))).get("acme")!;
      assert.deepEqual(sender.smtp.login, { user: "acme", pass: "s3cret" });
      assert.ok(sender.smtp.ca?.startsWith("-----BEGIN CERTIFICATE-----"));
    },
  ));

Deno.test("loadSenders - a missing password, a plaintext relay or a bad tenant is refused clearly", async () => {
  await withFiles({ tenants: { acme: acme({ auth: { user: "u", passwordSecret: "nope" } }) } }, {
    other: "hidden-pass",
  }, async (env) => {
    await assert.rejects(
      () => loadSenders(outboundSettings(env)),
      (e: Error) => /password "nope"/.test(e.message) && !e.message.includes("hidden-pass"),
    );
  });
  await withFiles({ tenants: { acme: acme({ tls: "none" }) } }, {}, async (env) => {
    await assert.rejects(() => loadSenders(outboundSettings(env)), /tenants\.acme\.smtp\.tls/);
  });
  await withFiles({ tenants: { "Not A Tenant": acme() } }, {}, async (env) => {
    await assert.rejects(() => loadSenders(outboundSettings(env)), /TICKETD_EMAIL_OUTBOUND_FILE/);
  });
});

Deno.test("loadSenders - no senders file: no tenants", async () => {
  assert.equal((await loadSenders(outboundSettings({}))).size, 0);
});
