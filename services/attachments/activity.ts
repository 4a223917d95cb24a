/**
 * Downloads, finished uploads and refused ones as ACTIVITY facts. A download is content: it is
 * recorded before its body leaves, or refused with 503 `activity_unavailable`. A finished upload
 * is already a ticket change (`AttachmentAdded`, whose commit keeps the uploader's address and
 * request id), so its fact is recorded after and, if it cannot be, written to the error log
 * rather than undoing the upload. The request's party (tenant, actor, source) is kept for the
 * request's duration so the upload completion, deep in the tus server, can name it.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import type { Activity } from "@ticketd/shared/events/activity.ts";
import { type RequestActivity, requestParty } from "@ticketd/shared/activity/request_source.ts";

type Party = Pick<Activity, "tenant" | "actor" | "source">;

const DOWNLOAD = /^\/v1\/attachments\/([0-9]{1,20})$/;
const UPLOADS = /^\/v1\/attachments\/uploads(\/|$)/;

/** Records attachment activity for requests behind bearer auth; see the module comment. */
export class AttachmentActivity {
  readonly #party = new AsyncLocalStorage<Party>();

  constructor(private readonly activity: RequestActivity) {}

  /** Middleware: keeps the party for the request, and records downloads and refusals. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const party = requestParty(c, this.activity.address);
      await this.#party.run(party, next);
      const download = c.req.method === "GET" ? DOWNLOAD.exec(c.req.path) : null;
      const refused = c.res.status === 403 || c.res.status === 404;
      if (download && (c.res.status === 200 || c.res.status === 206)) {
        await this.#recordDownload(party, download[1], c.res);
      } else if (refused && (download || UPLOADS.test(c.req.path))) {
        await this.activity.recorder.recordOrLog({
          ...party,
          action: download ? "attachments.file.downloaded" : "attachments.file.uploaded",
          target: download ? { type: "attachment", id: download[1] } : uploadTarget(c.req.path),
          outcome: "denied",
          changes: { status: c.res.status },
        });
      }
    };
  }

  /** The finished upload's fact (logged if it cannot be recorded). */
  async uploaded(upload: { attachmentId: string; ticketId: string; size: number }) {
    const party = this.#party.getStore();
    if (!party) return;
    await this.activity.recorder.recordOrLog({
      ...party,
      action: "attachments.file.uploaded",
      target: { type: "attachment", id: upload.attachmentId },
      outcome: "ok",
      changes: { ticketId: upload.ticketId, size: upload.size },
    });
  }

  /** Where the current request came from, for the ticket command it sends. */
  source(): Activity["source"] | undefined {
    return this.#party.getStore()?.source;
  }

  async #recordDownload(party: Party, attachmentId: string, response: Response) {
    try {
      await this.activity.recorder.record({
        ...party,
        action: "attachments.file.downloaded",
        target: { type: "attachment", id: attachmentId },
        outcome: "ok",
        changes: { partial: response.status === 206 },
      });
    } catch (error) {
      await response.body?.cancel().catch(() => {}); // unrecorded: not one byte leaves
      throw error;
    }
  }
}

function uploadTarget(path: string) {
  const id = path.split("/")[4];
  return { type: "upload", id: id && /^[0-9]{1,20}$/.test(id) ? id : "new" };
}
