/**
 * The attachments service beside the tickets service (`deno task start`): its own HTTP port (tus
 * uploads, downloads), the tickets service's connections, keyring and token checks, and the S3
 * of `TICKETD_S3_ENDPOINT`, or a private s3rver in the data folder when none is given.
 * Alone (`deno task stack`): `deno run -A services/attachments/main.ts`, deps from services/standalone.ts.
 * @module
 */
import { withPrivateS3Env } from "@ticketd/shared/runtime/private_s3.ts";
import type { Follower } from "../tickets/main.ts";
import { serveFollower } from "../follower_http.ts";
import { runAlone } from "../standalone.ts";
import { AttachmentsConfigError, loadAttachmentsConfig } from "./config.ts";
import { startAttachmentsService } from "./service.ts";

/** A {@link Follower} running attachments on `env`'s `TICKETD_ATTACHMENTS_*` and `TICKETD_S3_*`. */
export function attachmentsFollower(env: Record<string, string | undefined>): Follower {
  return async ({ log, infra, keyring, verify, config }) => {
    const attachmentsLog = log.with({ service: "attachments" });
    const s3Env = await withPrivateS3Env(env, `${config.dataDir}/s3`);
    const settings = loadAttachmentsConfig(s3Env.env);
    if (s3Env.private) {
      attachmentsLog.warn(
        "no TICKETD_S3_ENDPOINT: a private s3rver keeps attachments in the data folder",
        { endpoint: s3Env.env.TICKETD_S3_ENDPOINT },
      );
    }
    // Activity facts and the AttachmentAdded commit take the client address from Hono's env.
    const { server, service, url } = await serveFollower({
      name: "attachments",
      title: "Attachments",
      host: settings.host,
      port: settings.port,
      portSetting: "TICKETD_ATTACHMENTS_PORT",
      configError: (message) => new AttachmentsConfigError(message),
      tls: config.tls,
      dataDir: config.dataDir,
      log: attachmentsLog,
      start: () =>
        startAttachmentsService({ ...settings, s3: settings.s3! }, {
          nc: infra.nc,
          keyring,
          profiles: config.profiles,
          dataKeyCacheEntries: config.dataKeyCacheEntries,
          verify,
          log: attachmentsLog,
          operations: config.operations,
        }),
      release: () => s3Env.stop(),
    });
    console.error(`Attachments (tus uploads) at ${url}: docs/attachments.md`);
    return {
      async stop() {
        await server.shutdown();
        await service.stop();
        await s3Env.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("attachments", attachmentsFollower(Deno.env.toObject()));
