/**
 * What the native stack runs on: the NATS, PostgreSQL and S3 given in the environment, or,
 * where one is not given, a private one with TLS (nats-server with a `tls` block, a TLS-only
 * PostgreSQL cluster, s3rver over HTTPS), all with certificates of a private CA made at the
 * first start by deploy/tls/gen-dev-certs.sh (the script Compose's `certs` step runs).
 * @module
 */
import { join } from "node:path";
import { startPrivateNats } from "@ticketd/shared/runtime/private_nats.ts";
import { startPrivateS3 } from "@ticketd/shared/runtime/private_s3.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { StackError } from "./stack_error.ts";
import { startTlsPostgres } from "./tls_postgres.ts";

/** The certificate names the stack needs: its servers and each Ticketd service. */
export const CERTIFICATE_NAMES = [
  "nats",
  "postgres",
  "minio",
  "identity",
  "tickets",
  "routing",
  "sessions",
  "attachments",
  "audit",
  "webhooks",
  "reports",
  "email",
  "gateway",
];

export interface StackInfrastructure {
  /** Settings every service gets: NATS_URL, DATABASE_URL, the CA, TICKETD_S3_*. */
  env: Record<string, string>;
  /** `<tlsDir>/<name>.crt` and `.key` for a service. */
  tlsDir: string;
  /** What was started here, one line each, for the stack's banner. */
  started: string[];
  /**
   * Settles with a line saying so when a server started here exits while the stack runs (the
   * private nats-server): the stack stops at once instead of waiting for its services to notice.
   */
  died: Promise<string>;
  stop(): Promise<void>;
}

/** Certificates, then NATS, PostgreSQL and S3 (given or private). */
export async function openStackInfrastructure(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<StackInfrastructure> {
  const tlsDir = join(dataDir, "tls");
  await makeCertificates(tlsDir);
  const file = (name: string) => join(tlsDir, name);
  const pair = (name: string) => ({ certFile: file(`${name}.crt`), keyFile: file(`${name}.key`) });
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];
  const died = Promise.withResolvers<string>();
  let stopping = false;
  try {
    let natsUrl = env.NATS_URL;
    if (!natsUrl) {
      const logFile = join(dataDir, "nats-server.log");
      await ownerOnlyFile(logFile); // the server appends to it and keeps its mode
      const nats = await startPrivateNats({
        authToken: true,
        storeDir: join(dataDir, "nats"),
        logFile,
        tls: pair("nats"),
      });
      stops.unshift(nats.stop);
      nats.exited.then((status) => {
        if (!stopping) {
          died.resolve(`its nats-server exited (code ${status.code}). Log: ${logFile}`);
        }
      });
      natsUrl = nats.url;
      started.push(`NATS (TLS) at ${natsUrl.replace(/\/\/[^@]*@/, "//")}`);
    }
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startTlsPostgres(join(dataDir, "pg-tls"), freePort(), pair("postgres"));
      stops.unshift(pg.stop);
      databaseUrl = pg.url;
      started.push(`PostgreSQL (TLS only, verify-full) at ${databaseUrl}`);
    }
    const s3 = env.TICKETD_S3_ENDPOINT ? null : await startPrivateS3(join(dataDir, "s3"), {
      cert: await Deno.readTextFile(file("minio.crt")),
      key: await Deno.readTextFile(file("minio.key")),
    });
    if (s3) {
      stops.unshift(s3.stop);
      started.push(`S3 (s3rver, HTTPS) at ${s3.endpoint}`);
    }
    const ca = await trustedCas(env.TICKETD_TLS_CA_FILE || env.DENO_CERT, tlsDir);
    return {
      env: {
        NATS_URL: natsUrl,
        DATABASE_URL: databaseUrl,
        // Not DENO_CERT (Compose sets it too): so every hop proves it is given the CA itself.
        TICKETD_TLS_CA_FILE: ca,
        ...(s3
          ? {
            TICKETD_S3_ENDPOINT: s3.endpoint,
            TICKETD_S3_ACCESS_KEY: s3.accessKey,
            TICKETD_S3_SECRET_KEY: s3.secretKey,
          }
          : {}),
      },
      tlsDir,
      started,
      died: died.promise,
      stop: () => {
        stopping = true;
        return runAll(stops);
      },
    };
  } catch (error) {
    await runAll(stops);
    throw error;
  }
}

/** The private CA and a certificate per name, made once (kept across starts). */
async function makeCertificates(tlsDir: string): Promise<void> {
  const script = new URL("../tls/gen-dev-certs.sh", import.meta.url).pathname;
  const made = await new Deno.Command("bash", {
    args: [script, tlsDir],
    env: { TLS_NAMES: CERTIFICATE_NAMES.join(" ") },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!made.success) {
    throw new StackError(
      "certificates_failed",
      `deploy/tls/gen-dev-certs.sh failed (is openssl installed?): ${
        new TextDecoder().decode(made.stderr).trim()
      }`,
    );
  }
}

/**
 * The private CA, and the CA given for the servers of the environment (if any) with it: one
 * PEM bundle, since a private server may run beside a given one.
 */
async function trustedCas(given: string | undefined, tlsDir: string): Promise<string> {
  const own = join(tlsDir, "ca.crt");
  if (!given) return own;
  const bundle = join(tlsDir, "trusted.pem");
  const pems = await Promise.all(
    [given, own].map((path) =>
      Deno.readTextFile(path).catch((error) => {
        throw new StackError("certificates_failed", `cannot read CA ${path} (${error.name})`);
      })
    ),
  );
  await Deno.writeTextFile(bundle, pems.map((pem) => pem.trim()).join("\n") + "\n");
  return bundle;
}

/** Creates `path` if missing, readable by its owner only (logs may hold what others must not read). */
export async function ownerOnlyFile(path: string): Promise<void> {
  await Deno.writeTextFile(path, "", { append: true, mode: 0o600 });
  await Deno.chmod(path, 0o600);
}

async function runAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops) await stop().catch(() => {});
}
