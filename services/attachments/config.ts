/**
 * The attachments service's settings, read once from the environment. Connections, keys and
 * token checks are the tickets service's (it runs beside it, `deno task start`); the object store
 * is S3 (MinIO in production) given by `TICKETD_S3_*`.
 * @module
 */
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { type ActivitySettings, activitySettings } from "@ticketd/shared/activity/settings.ts";
import { type AllowedTypes, parseAllowedTypes } from "./content/allowed_types.ts";
import { SEALED_SEGMENT_BYTES } from "./crypto/segments.ts";
import { type ClamavSettings, readClamavSettings } from "./scan/clamav_settings.ts";
import type { ObjectStoreConfig } from "./storage/object_store.ts";
import { loadTlsSettings, s3Trust } from "@ticketd/shared/runtime/tls_settings.ts";

export class AttachmentsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttachmentsConfigError";
  }
}

export interface AttachmentsConfig {
  host: string;
  port: number;
  /** Null when `TICKETD_S3_ENDPOINT` is unset: the service then does not start. */
  s3: ObjectStoreConfig | null;
  maxFileBytes: number;
  maxTicketBytes: number;
  partBytes: number;
  uploadExpiryMs: number;
  allowedTypes: AllowedTypes;
  clamav: ClamavSettings | undefined;
  commandTimeoutMs: number;
  /** `TICKETD_TRUST_FORWARDED_FOR`: the address recorded with a download is the last hop. */
  trustForwardedFor: boolean;
  activity: ActivitySettings;
}

/** Reads `TICKETD_ATTACHMENTS_*`, `TICKETD_S3_*` and `TICKETD_CLAMAV_*` from `env`. */
export function loadAttachmentsConfig(env: Record<string, string | undefined>): AttachmentsConfig {
  const int = intSettings(env, (message) => new AttachmentsConfigError(message));
  const text = textSettings(env);
  const MiB = 1024 * 1024;
  let allowedTypes: AllowedTypes;
  try {
    allowedTypes = parseAllowedTypes(env.TICKETD_ATTACHMENTS_ALLOWED_TYPES);
  } catch (error) {
    throw new AttachmentsConfigError(
      `TICKETD_ATTACHMENTS_ALLOWED_TYPES: ${(error as Error).message}`,
    );
  }
  return {
    host: text("TICKETD_ATTACHMENTS_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_ATTACHMENTS_PORT", 8084, 0, 65_535),
    s3: s3Config(env),
    maxFileBytes: int("TICKETD_ATTACHMENTS_MAX_FILE_MB", 2_048, 1, 5 * 1024 * 1024) * MiB,
    maxTicketBytes: int("TICKETD_ATTACHMENTS_MAX_TICKET_MB", 10_240, 1, 50 * 1024 * 1024) * MiB,
    // S3 parts hold whole sealed segments: the size is rounded up to the next one.
    partBytes:
      Math.ceil(int("TICKETD_ATTACHMENTS_PART_MB", 8, 5, 512) * MiB / SEALED_SEGMENT_BYTES) *
      SEALED_SEGMENT_BYTES,
    uploadExpiryMs: int("TICKETD_ATTACHMENTS_UPLOAD_EXPIRY_HOURS", 24, 1, 24 * 30) * 3_600_000,
    allowedTypes,
    clamav: readClamavSettings(env),
    commandTimeoutMs: int("TICKETD_ATTACHMENTS_COMMAND_TIMEOUT_MS", 5_000),
    trustForwardedFor: env.TICKETD_TRUST_FORWARDED_FOR === "true",
    activity: activitySettings(int),
  };
}

function s3Config(env: Record<string, string | undefined>): ObjectStoreConfig | null {
  const text = textSettings(env);
  const endpoint = env.TICKETD_S3_ENDPOINT;
  if (!endpoint) return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new AttachmentsConfigError(
      `TICKETD_S3_ENDPOINT must be a URL such as https://minio:9000, got "${endpoint}"`,
    );
  }
  const accessKey = env.TICKETD_S3_ACCESS_KEY;
  const secretKey = env.TICKETD_S3_SECRET_KEY;
  if (!accessKey || !secretKey) {
    throw new AttachmentsConfigError(
      "TICKETD_S3_ENDPOINT needs TICKETD_S3_ACCESS_KEY and TICKETD_S3_SECRET_KEY",
    );
  }
  const useSSL = url.protocol === "https:";
  return {
    endPoint: url.hostname,
    port: Number(url.port || (useSSL ? 443 : 80)),
    useSSL,
    accessKey,
    secretKey,
    region: text("TICKETD_S3_REGION", "us-east-1"),
    bucket: text("TICKETD_S3_BUCKET", "ticketd-attachments"),
    ...(useSSL ? s3Trust(loadTlsSettings(env)) : {}),
  };
}
