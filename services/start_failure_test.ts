import assert from "node:assert/strict";
import { startFailureMessage } from "./start_failure.ts";

const PORT_SETTINGS = [
  "TICKETD_PORT",
  "TICKETD_IDENTITY_PORT",
  "TICKETD_ROUTING_PORT",
  "TICKETD_SESSIONS_PORT",
  "TICKETD_ATTACHMENTS_PORT",
  "TICKETD_AUDIT_PORT",
  "TICKETD_WEBHOOKS_PORT",
  "TICKETD_EMAIL_HTTP_PORT",
  "TICKETD_EMAIL_SMTP_PORT",
  "TICKETD_GATEWAY_PORT",
  "TICKETD_REPORTS_PORT",
];
/** Every port "any free one": none of them can be taken. */
const FREE = Object.fromEntries(PORT_SETTINGS.map((name) => [name, "0"]));

Deno.test("a taken port: the start line names the setting, host and port another process holds", () => {
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (holder.addr as Deno.NetAddr).port;
    const message = startFailureMessage(
      new Deno.errors.AddrInUse("Address already in use (os error 98)"),
      { ...FREE, TICKETD_REPORTS_PORT: String(port) },
    );
    assert.equal(
      message,
      `a port is in use: TICKETD_REPORTS_PORT (127.0.0.1:${port}); set it to a free port ` +
        "(Address already in use (os error 98))",
    );
  } finally {
    holder.close();
  }
});

Deno.test("a taken port no longer held: the start line lists every port setting, reports, email and webhooks too", () => {
  const message = startFailureMessage(new Deno.errors.AddrInUse("in use"), FREE)!;
  for (const setting of PORT_SETTINGS) assert.ok(message.includes(setting), setting);
});
