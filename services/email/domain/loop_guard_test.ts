import assert from "node:assert/strict";
import { automaticReason } from "./loop_guard.ts";
import { aMail } from "./testing.ts";

const OWN = {
  domains: ["help.acme.example", "acme.example"],
  addresses: ["support@acme.example"],
};

Deno.test("automaticReason - a person's mail is not automatic", () => {
  assert.equal(automaticReason(aMail(), OWN), null);
  assert.equal(automaticReason(aMail({ headers: { "auto-submitted": "no" } }), OWN), null);
});

Deno.test("automaticReason - RFC 3834 Auto-Submitted of any kind but no is automatic", () => {
  for (const value of ["auto-replied", "auto-generated", "Auto-Notified; owner=x"]) {
    assert.equal(
      automaticReason(aMail({ headers: { "auto-submitted": value } }), OWN),
      "auto_submitted",
    );
  }
});

Deno.test("automaticReason - Precedence bulk, junk and list are automatic", () => {
  for (const value of ["bulk", "JUNK", " list "]) {
    assert.equal(automaticReason(aMail({ headers: { precedence: value } }), OWN), "precedence");
  }
});

Deno.test("automaticReason - X-Autoreply and X-Auto-Response-Suppress mark responders", () => {
  assert.equal(
    automaticReason(aMail({ headers: { "x-autoreply": "yes" } }), OWN),
    "autoreply_header",
  );
  assert.equal(
    automaticReason(aMail({ headers: { "x-auto-response-suppress": "All" } }), OWN),
    "autoreply_header",
  );
});

Deno.test("automaticReason - MAILER-DAEMON, a null Return-Path and delivery reports are bounces", () => {
  const daemon = aMail({ from: { address: "mailer-daemon@mx.example", name: "" } });
  assert.equal(automaticReason(daemon, OWN), "bounce");
  assert.equal(automaticReason(aMail({ headers: { "return-path": "<>" } }), OWN), "bounce");
  const report = aMail({
    headers: { "content-type": "multipart/report; report-type=delivery-status" },
  });
  assert.equal(automaticReason(report, OWN), "bounce");
});

Deno.test("automaticReason - a mail carrying one of our own Message-IDs is our loop", () => {
  const ours = aMail({ messageId: "ticketd.acme.42.7@help.acme.example" });
  assert.equal(automaticReason(ours, OWN), "our_own_message");
  const elsewhere = aMail({ messageId: "ticketd.acme.42.7@other.example" });
  assert.equal(automaticReason(elsewhere, OWN), null);
});

Deno.test("automaticReason - mailing list traffic is automatic", () => {
  assert.equal(
    automaticReason(aMail({ headers: { "list-id": "<dev.lists.example>" } }), OWN),
    "mailing_list",
  );
});

Deno.test("automaticReason - mail from our own mailbox or sender address is our echo", () => {
  const echo = aMail({ from: { address: "support+12@acme.example", name: "" } });
  assert.equal(automaticReason(echo, OWN), "from_ourselves");
  const customer = aMail({ from: { address: "support@customer.example", name: "" } });
  assert.equal(automaticReason(customer, OWN), null);
});
