/**
 * STARTTLS on the inbound SMTP listener: a certificate from the shared TLS settings is offered,
 * a client requiring TLS checks it against a CA made in the test, and with
 * `TICKETD_EMAIL_SMTP_REQUIRE_TLS` a connection that did not upgrade gets no MAIL FROM.
 * @module
 */
import assert from "node:assert/strict";
import nodemailer from "nodemailer";
import { type Harness, startHarness } from "./support/tickets_harness.ts";
import {
  type InboundInstance,
  readTicket,
  startInbound,
} from "../services/email/testing/inbound_harness.ts";
import { makeTestCa } from "../services/email/testing/test_ca.ts";
import { EmailConfigError, loadEmailConfig } from "../services/email/config.ts";
import type { Mailbox } from "../services/email/mailboxes.ts";

const SUPPORT: Mailbox = { tenant: "acme", address: "support@acme.example", imap: null };
const ca = await makeTestCa();
const otherCa = await makeTestCa();
const server = { cert: ca.certPem, key: ca.keyPem };
const mail = {
  from: "ann@customer.example",
  to: "support@acme.example",
  subject: "Sent over TLS",
  text: "secret printer trouble",
};

async function withTlsInbound(
  run: (h: Harness, inbound: InboundInstance) => Promise<void>,
  env: Record<string, string> = {},
) {
  const h = await startHarness();
  const inbound = await startInbound(h, [SUPPORT], { env, tls: { server } });
  try {
    await run(h, inbound);
  } finally {
    await inbound.stop();
    await h.stop();
  }
}

function transport(inbound: InboundInstance, options: Record<string, unknown>) {
  return nodemailer.createTransport({
    host: "localhost",
    port: inbound.service.smtpPort!,
    secure: false,
    ...options,
  });
}

Deno.test("email SMTP TLS - a client requiring STARTTLS with the test CA delivers and opens a ticket", async () => {
  await withTlsInbound(async (h, inbound) => {
    const info = await transport(inbound, { requireTLS: true, tls: { ca: ca.caPem } })
      .sendMail(mail);
    assert.match(info.response, /^250/);
    const outcome = await inbound.nth(1);
    assert.equal(outcome.kind, "created");
    if (outcome.kind !== "created") return;
    const ticket = await readTicket(h, outcome.ticketId);
    assert.equal(ticket.subject, "Sent over TLS");
  }, { TICKETD_EMAIL_SMTP_REQUIRE_TLS: "true" });
});

Deno.test("email SMTP TLS - with TLS required, a client that does not upgrade is refused at MAIL FROM", async () => {
  await withTlsInbound(async (_h, inbound) => {
    await assert.rejects(
      () => transport(inbound, { ignoreTLS: true }).sendMail(mail),
      (error: { responseCode?: number }) => error.responseCode === 530,
    );
    assert.equal(inbound.outcomes.length, 0);
  }, { TICKETD_EMAIL_SMTP_REQUIRE_TLS: "true" });
});

Deno.test("email SMTP TLS - a client trusting another CA refuses the listener's certificate", async () => {
  await withTlsInbound(async (_h, inbound) => {
    await assert.rejects(
      () => transport(inbound, { requireTLS: true, tls: { ca: otherCa.caPem } }).sendMail(mail),
      /certificate/i,
    );
    assert.equal(inbound.outcomes.length, 0);
  });
});

Deno.test("email SMTP TLS - without TLS required, a plain forwarder still delivers", async () => {
  await withTlsInbound(async (_h, inbound) => {
    await transport(inbound, { ignoreTLS: true }).sendMail(mail);
    assert.equal((await inbound.nth(1)).kind, "created");
  });
});

Deno.test("email SMTP TLS - requiring TLS without a certificate is a config error naming the setting", () => {
  assert.throws(
    () => loadEmailConfig({ TICKETD_EMAIL_SMTP_REQUIRE_TLS: "true" }),
    (error: Error) =>
      error instanceof EmailConfigError && /TICKETD_EMAIL_SMTP_REQUIRE_TLS/.test(error.message),
  );
  assert.throws(
    () => loadEmailConfig({ TICKETD_EMAIL_SMTP_REQUIRE_TLS: "yes" }, undefined, { server }),
    EmailConfigError,
  );
});
