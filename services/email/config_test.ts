import assert from "node:assert/strict";
import { EmailConfigError, loadEmailConfig } from "./config.ts";

const mailboxesJson = JSON.stringify({
  mailboxes: [
    { tenant: "acme", address: "Support@Acme.example" },
    {
      tenant: "acme",
      address: "sales@acme.example",
      imap: { host: "imap.acme.example", user: "sales", passwordSecret: "acme-sales" },
    },
  ],
});

Deno.test("loadEmailConfig - defaults: SMTP 2525, 25 MB mails, no mailboxes", () => {
  const config = loadEmailConfig({});
  assert.equal(config.smtp.port, 2525);
  assert.equal(config.smtp.maxMessageBytes, 25 * 1024 * 1024);
  assert.equal(config.imap.pollIntervalMs, 30_000);
  assert.equal(config.text.maxHtmlDepth, 100);
  assert.equal(config.text.maxMimeParts, 1_000);
  assert.equal(config.smtp.idleTimeoutMs, 60_000);
  assert.deepEqual(config.mailboxes, []);
});

Deno.test("loadEmailConfig - the SMTP idle timeout and MIME part limit are settings", () => {
  const config = loadEmailConfig({
    TICKETD_EMAIL_SMTP_IDLE_SECONDS: "5",
    TICKETD_EMAIL_MAX_MIME_PARTS: "200",
  });
  assert.deepEqual([config.smtp.idleTimeoutMs, config.text.maxMimeParts], [5_000, 200]);
  assert.throws(() => loadEmailConfig({ TICKETD_EMAIL_SMTP_IDLE_SECONDS: "0" }), EmailConfigError);
});

Deno.test("loadEmailConfig - TICKETD_EMAIL_SMTP_PORT 0 means any free port", () => {
  assert.equal(loadEmailConfig({ TICKETD_EMAIL_SMTP_PORT: "0" }).smtp.port, 0);
});

Deno.test("loadEmailConfig - a bad number names its setting", () => {
  assert.throws(
    () => loadEmailConfig({ TICKETD_EMAIL_MAX_MESSAGE_MB: "lots" }),
    (error: Error) =>
      error instanceof EmailConfigError && /TICKETD_EMAIL_MAX_MESSAGE_MB/.test(error.message),
  );
});

Deno.test("loadEmailConfig - mailboxes get IMAP defaults and their password from the secrets file", () => {
  const config = loadEmailConfig({}, {
    mailboxesJson,
    secretsJson: JSON.stringify({ "acme-sales": "s3cret" }),
  });
  assert.deepEqual(config.mailboxes[0], {
    tenant: "acme",
    address: "support@acme.example",
    imap: null,
  });
  assert.deepEqual(config.mailboxes[1].imap, {
    host: "imap.acme.example",
    port: 993,
    secure: true,
    user: "sales",
    password: "s3cret",
    folder: "INBOX",
    after: "flag",
  });
});

Deno.test("loadEmailConfig - a missing secret is named, and its value never shown", () => {
  assert.throws(
    () => loadEmailConfig({}, { mailboxesJson, secretsJson: JSON.stringify({ other: "x" }) }),
    (error: Error) =>
      error instanceof EmailConfigError &&
      /TICKETD_EMAIL_MAILBOXES_FILE/.test(error.message) && /acme-sales/.test(error.message),
  );
});

Deno.test("loadEmailConfig - a malformed mailboxes file says where", () => {
  for (const bad of ["{", JSON.stringify({ mailboxes: [{ tenant: "Acme!", address: "x" }] })]) {
    assert.throws(
      () => loadEmailConfig({}, { mailboxesJson: bad, secretsJson: null }),
      EmailConfigError,
    );
  }
  const twice = JSON.stringify({
    mailboxes: [{ tenant: "a", address: "s@a.example" }, { tenant: "b", address: "S@a.example" }],
  });
  assert.throws(
    () => loadEmailConfig({}, { mailboxesJson: twice, secretsJson: null }),
    /listed twice/,
  );
});
