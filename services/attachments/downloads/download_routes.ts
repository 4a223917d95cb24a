/**
 * `GET` and `HEAD /attachments/:id`: the permission check (the integrator's `find`), then the
 * content decrypted on the way out, whole or one byte range, with safe headers. Quarantined and
 * failed-scan attachments are never served; an erased customer's attachments are gone (410).
 * @module
 */
import type { AttachmentRecord as StoredRecord } from "../records.ts";
import { Hono } from "hono";
import { DomainError, fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { problemResponse } from "@ticketd/shared/http/problem.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { AttachmentKey } from "../crypto/segments.ts";
import type { ScanStatus } from "../scan/scanner.ts";
import { type ByteRange, chooseRange } from "./byte_range.ts";
import { attachmentEtag, downloadHeaders } from "./download_headers.ts";
import { plaintextStream, type SealedObjects } from "./plaintext_stream.ts";

/** An attachment as the downloads need it: the fields of the stored record they read. */
export type AttachmentRecord =
  & Pick<
    StoredRecord,
    | "attachmentId"
    | "tenant"
    | "ticketId"
    | "fileName"
    | "mime"
    | "kind"
    | "size"
    | "objectKey"
    | "noncePrefix"
    | "sealedKey"
    | "status"
  >
  & Partial<Pick<StoredRecord, "contentId">>;

export interface DownloadRoutesDeps {
  /** The attachment if `principal` may see its ticket, else null (both read as 404). */
  find(principal: Principal, attachmentId: string): Promise<AttachmentRecord | null>;
  /** Unwraps the data key; fails with `content_erased` (410) once the customer is erased. */
  openKey(record: AttachmentRecord): Promise<AttachmentKey>;
  storage: SealedObjects;
  log?: Logger;
}

export type DownloadEnv = { Variables: { principal: Principal } };

const ID = /^[0-9]{1,20}$/;
const NEVER_SERVED: readonly ScanStatus[] = ["quarantined", "scan_failed"];

/** The download routes, to mount under `/v1` behind bearer auth. */
export function downloadRoutes(deps: DownloadRoutesDeps): Hono<DownloadEnv> {
  const routes = new Hono<DownloadEnv>();
  // Hono answers HEAD with the GET handler and drops the body; the handler skips making one.
  routes.get("/attachments/:id", async (c) => {
    const record = await servable(deps, c.get("principal"), c.req.param("id"));
    const key = await openKey(deps, record);
    const etag = attachmentEtag(record);
    const choice = chooseRange(c.req.header("range"), record.size, c.req.header("if-range"), etag);
    if (choice.kind === "unsatisfiable") return unsatisfiable(record);
    const range = choice.kind === "partial" ? choice.range : undefined;
    const headers = { ...downloadHeaders(record), ...lengthHeaders(record.size, range) };
    const status = range ? 206 : 200;
    if (c.req.method === "HEAD") return new Response(null, { status, headers });
    const body = plaintextStream(
      deps.storage,
      record,
      key,
      range,
      (error) =>
        deps.log?.error("attachment download broke off", {
          attachmentId: record.attachmentId,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
    return new Response(body, { status, headers });
  });
  return routes;
}

async function servable(
  deps: DownloadRoutesDeps,
  principal: Principal,
  id: string,
): Promise<AttachmentRecord> {
  const record = ID.test(id) ? await deps.find(principal, id) : null;
  if (!record) fail("attachment_not_found", `No attachment "${id}" that you may see`, 404);
  if (NEVER_SERVED.includes(record.status)) {
    const why = record.status === "quarantined"
      ? "malware was found in it"
      : "it could not be scanned";
    fail("attachment_quarantined", `Attachment "${id}" is quarantined: ${why}`, 403, {
      scanStatus: record.status,
    });
  }
  return record;
}

async function openKey(deps: DownloadRoutesDeps, record: AttachmentRecord): Promise<AttachmentKey> {
  try {
    return await deps.openKey(record);
  } catch (error) {
    if (error instanceof DomainError && (error.code === "content_erased" || error.status === 410)) {
      fail(
        "attachment_erased",
        `Attachment "${record.attachmentId}" was erased with its owner's data`,
        410,
      );
    }
    throw error;
  }
}

function lengthHeaders(size: number, range?: ByteRange): Record<string, string> {
  if (!range) return { "content-length": String(size) };
  return {
    "content-length": String(range.end - range.start + 1),
    "content-range": `bytes ${range.start}-${range.end}/${size}`,
  };
}

function unsatisfiable(record: AttachmentRecord): Response {
  return problemResponse({
    status: 416,
    code: "range_not_satisfiable",
    title: "Range not satisfiable",
    detail: `Attachment "${record.attachmentId}" has ${record.size} bytes`,
  }, { "content-range": `bytes */${record.size}`, "accept-ranges": "bytes" });
}
