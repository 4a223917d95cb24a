/**
 * The email service beside the tickets service (`deno task start`): the tickets service's
 * connections and keyring, mailboxes from `TICKETD_EMAIL_MAILBOXES_FILE`, the SMTP listener on
 * `TICKETD_EMAIL_SMTP_PORT`, and raw mail in the S3 of `TICKETD_S3_ENDPOINT` (or a private
 * s3rver in the data folder when none is given, as attachments does); its probes and `/metrics`
 * on `TICKETD_EMAIL_HTTP_PORT` (8087; `<data dir>/email-http.url`).
 * Alone (`deno task stack`): `deno run -A services/email/main.ts`, deps from services/standalone.ts.
 * @module
 */
import { withPrivateS3Env } from "@ticketd/shared/runtime/private_s3.ts";
import { loadTlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";
import { loadAttachmentsConfig } from "../attachments/config.ts";
import type { Follower } from "../tickets/main.ts";
import { runAlone } from "../standalone.ts";
import { serveFollower } from "../follower_http.ts";
import { EmailConfigError, loadEmailConfig, readMailboxFiles } from "./config.ts";
import { startEmailService } from "./service.ts";

/** A {@link Follower} running email on `env`'s `TICKETD_EMAIL_*` and `TICKETD_S3_*`. */
export function emailFollower(env: Record<string, string | undefined>): Follower {
  return async ({ log, infra, keyring, config }) => {
    const emailLog = log.with({ service: "email" });
    const settings = loadEmailConfig(env, await readMailboxFiles(env), loadTlsSettings(env));
    const s3Env = await withPrivateS3Env(env, `${config.dataDir}/s3-email`);
    // The same reader of TICKETD_S3_* as attachments: one place that knows those settings.
    const { s3 } = loadAttachmentsConfig(s3Env.env);
    try {
      const { server, service } = await serveFollower({
        name: "email-http",
        title: "Email",
        host: settings.http.host,
        port: settings.http.port,
        portSetting: "TICKETD_EMAIL_HTTP_PORT",
        configError: (message) => new EmailConfigError(message),
        tls: config.tls,
        dataDir: config.dataDir,
        log: emailLog,
        start: () =>
          startEmailService(settings, {
            nc: infra.nc,
            keyring,
            profiles: config.profiles,
            dataKeyCacheEntries: config.dataKeyCacheEntries,
            s3: s3!,
            ticketStream: config.stream.name,
            log: emailLog,
            operations: config.operations,
          }),
      });
      const smtpUrl = service.smtpPort === null
        ? "off" // no mailbox configured: nothing to listen for
        : `smtp://${settings.smtp.host}:${service.smtpPort}`;
      // Written once started, like the other services' `<name>.url`: what a stack waits for.
      await Deno.writeTextFile(`${config.dataDir}/email.url`, smtpUrl);
      if (service.smtpPort !== null) {
        console.error(`Email (SMTP inbound) at ${smtpUrl.slice(7)}: docs/email.md`);
      }
      return {
        async stop() {
          await server.shutdown();
          await service.stop();
          await s3Env.stop();
        },
      };
    } catch (error) {
      await s3Env.stop();
      if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
      const { host, port } = settings.smtp;
      throw new EmailConfigError(
        `TICKETD_EMAIL_SMTP_PORT: cannot listen on ${host}:${port} (in use)`,
      );
    }
  };
}

if (import.meta.main) await runAlone("email", emailFollower(Deno.env.toObject()));
