/**
 * The audit service beside the tickets service (`deno task start`): its own HTTP port
 * (`TICKETD_AUDIT_PORT`), the tickets service's connections, profiles and token checks, and the
 * archive's S3 (`TICKETD_S3_*`, else a private s3rver: archive/archive_s3.ts).
 * Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/audit/main.ts`, deps from services/standalone.ts.
 * @module
 */
import type { Follower } from "../tickets/main.ts";
import { serveFollower } from "../follower_http.ts";
import { runAlone } from "../standalone.ts";
import { withArchiveS3 } from "./archive/archive_s3.ts";
import { AuditConfigError, loadAuditConfig } from "./config.ts";
import { startAuditService } from "./service.ts";

/** A {@link Follower} running audit on `env`'s `TICKETD_AUDIT_*` settings. */
export function auditFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, verify, config }) => {
    // Without TICKETD_S3_ENDPOINT the archive goes to a private s3rver in the data folder.
    const archiveS3 = await withArchiveS3(env, config.dataDir);
    const audit = loadAuditConfig(archiveS3.env);
    const auditLog = log.with({ service: "audit" });
    if (archiveS3.private) {
      auditLog.warn(
        "no TICKETD_S3_ENDPOINT: a private s3rver keeps the audit archive in the data folder",
      );
    }
    const { server, service, url } = await serveFollower({
      name: "audit",
      title: "Audit",
      host: audit.host,
      port: audit.port,
      portSetting: "TICKETD_AUDIT_PORT",
      configError: (message) => new AuditConfigError(message),
      tls: config.tls,
      dataDir: config.dataDir,
      log: auditLog,
      start: () =>
        startAuditService(audit, {
          nc: infra.nc,
          sql: infra.sql,
          profiles: config.profiles,
          verify,
          dataDir: config.dataDir,
          ticketStream: config.stream.name,
          log: auditLog,
          operations: config.operations,
        }),
      release: () => archiveS3.stop(),
    });
    console.error(`Audit at ${url}: docs/audit.md`);
    return {
      async stop() {
        await server.shutdown();
        await service.stop();
        await archiveS3.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("audit", auditFollower(Deno.env.toObject()));
