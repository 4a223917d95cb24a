/**
 * The attachments service beside the tickets service (`deno task start`): its own HTTP port (tus
 * uploads, downloads), the tickets service's connections, keyring and token checks, and the S3
 * of `TICKETD_S3_ENDPOINT`, or a private s3rver in the data folder when none is given.
 * Alone (`deno task stack`): `deno run -A services/attachments/main.ts`, deps from services/standalone.ts.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { httpScheme, serveTls } from "@ticketd/shared/runtime/tls_settings.ts";
import { withPrivateS3Env } from "@ticketd/shared/runtime/private_s3.ts";
import type { Follower } from "../tickets/main.ts";
import { runAlone } from "../standalone.ts";
import { AttachmentsConfigError, loadAttachmentsConfig } from "./config.ts";
import { type AttachmentsService, startAttachmentsService } from "./service.ts";

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
    let service: AttachmentsService | null = null;
    const starting = problemResponse(problem(503, "starting", "Attachments is starting"));
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve(
        {
          hostname: settings.host,
          port: settings.port,
          onListen: () => {},
          ...serveTls(config.tls),
        },
        // The connection's address reaches the app as Hono's env (`c.env.remoteAddr`): activity
        // facts and the AttachmentAdded commit take the client address from there.
        (request, info) =>
          service ? service.fetch(request, { remoteAddr: info.remoteAddr }) : starting.clone(),
      );
    } catch (error) {
      await s3Env.stop();
      throw new AttachmentsConfigError(
        `TICKETD_ATTACHMENTS_PORT: cannot listen on ${settings.host}:${settings.port} (${
          (error as Error).message
        })`,
      );
    }
    try {
      service = await startAttachmentsService({ ...settings, s3: settings.s3! }, {
        nc: infra.nc,
        keyring,
        profiles: config.profiles,
        dataKeyCacheEntries: config.dataKeyCacheEntries,
        verify,
        log: attachmentsLog,
      });
    } catch (error) {
      await server.shutdown();
      await s3Env.stop();
      throw error;
    }
    const url = `${httpScheme(config.tls)}://${settings.host}:${server.addr.port}`;
    await Deno.writeTextFile(`${config.dataDir}/attachments.url`, url);
    attachmentsLog.info("listening", { url });
    console.error(`Attachments (tus uploads) at ${url}: docs/attachments.md`);
    return {
      async stop() {
        await server.shutdown();
        await service?.stop();
        await s3Env.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("attachments", attachmentsFollower(Deno.env.toObject()));
