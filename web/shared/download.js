/**
 * Saving an attachment: fetched with the in-memory token (a plain link would carry none), then
 * handed to the browser as a download under its stored safe name.
 * @module
 */
import { h } from "./dom.js";

/** Attachments being fetched: a second click on one meanwhile (a double-click) is ignored. */
const fetching = new Set();

/**
 * @param {import("./api.js").Api} api
 * @param {{ attachmentId: string, fileName?: string | null }} attachment
 */
export async function downloadAttachment(api, attachment) {
  if (fetching.has(attachment.attachmentId)) return;
  fetching.add(attachment.attachmentId);
  try {
    const blob = await api.blob(`/attachments/v1/attachments/${attachment.attachmentId}`);
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: attachment.fileName ?? "attachment" });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } finally {
    fetching.delete(attachment.attachmentId);
  }
}
