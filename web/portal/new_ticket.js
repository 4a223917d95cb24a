/**
 * The new-ticket form: subject, description and files. The ticket is created first (an upload
 * names its ticket), then each file goes up by tus with its own progress bar. The create carries
 * one Idempotency-Key for the form, and once the ticket exists a second Submit only retries the
 * files that did not go up: a refused upload never makes a second ticket.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatBytes } from "../shared/bytes.js";
import { problemText } from "../shared/failure.js";
import { maxUploadBytes, tusUpload } from "../shared/tus.js";

/**
 * @param {{ create(subject: string, body: string, idempotencyKey: string): Promise<string>,
 *   token(): Promise<string>, done(id: string): void, failed(error: unknown): void }} deps
 */
export function newTicketForm(deps) {
  const subject = /** @type {HTMLInputElement} */ (h("input", {
    id: "subject",
    type: "text",
    maxlength: "500",
    required: true,
  }));
  const body = /** @type {HTMLTextAreaElement} */ (h("textarea", {
    id: "body",
    rows: "6",
    maxlength: "20000",
    required: true,
  }));
  const files = /** @type {HTMLInputElement} */ (h("input", {
    id: "files",
    type: "file",
    multiple: true,
  }));
  // data-i18n: a language switch while the form is open translates it in place, keeping input.
  const uploads = h("ul", {
    class: "uploads",
    "aria-label": t("portal.files"),
    "data-i18n-label": "portal.files",
  });
  const submit = h(
    "button",
    { id: "submit-ticket", type: "submit", "data-i18n": "portal.submit" },
    t("portal.submit"),
  );
  const tooLarge = h("p", { id: "file-too-large", role: "alert", hidden: true });
  const retry = h(
    "p",
    { id: "upload-retry", class: "hint", hidden: true, "data-i18n": "portal.uploadRetry" },
    t("portal.uploadRetry"),
  );
  const form = h(
    "form",
    { class: "ticket-form", "aria-labelledby": "new-title" },
    h("h2", { id: "new-title", "data-i18n": "portal.new" }, t("portal.new")),
    h("label", { for: "subject", "data-i18n": "portal.subject" }, t("portal.subject")),
    subject,
    h("label", { for: "body", "data-i18n": "portal.body" }, t("portal.body")),
    body,
    h("label", { for: "files", "data-i18n": "portal.files" }, t("portal.files")),
    files,
    tooLarge,
    uploads,
    retry,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit.setAttribute("disabled", "");
    send().catch((error) => {
      submit.removeAttribute("disabled");
      deps.failed(error);
    });
  });

  const key = crypto.randomUUID();
  /** @type {string | null} the ticket once created: Submit then only retries uploads */
  let created = null;
  /** Files on the ticket, by what names a file (choosing the same one again is the same file). */
  const uploaded = new Set();
  const fileKey = (/** @type {File} */ file) => `${file.name}\n${file.size}\n${file.lastModified}`;

  async function send() {
    if (created === null) {
      if (!await filesFit([...(files.files ?? [])])) {
        submit.removeAttribute("disabled");
        files.focus();
        return;
      }
      created = await deps.create(subject.value.trim(), body.value.trim(), key);
      for (const field of [subject, body]) field.setAttribute("readonly", "");
    }
    for (const file of files.files ?? []) {
      if (uploaded.has(fileKey(file))) continue;
      await upload(created, file).catch((error) => {
        // Already on the ticket (sent before under another name, or by a retry): nothing to do.
        if (error?.code === "duplicate_attachment") return;
        retry.hidden = false;
        throw error;
      });
      uploaded.add(fileKey(file));
    }
    deps.done(created);
  }

  /**
   * Before the ticket exists: a file over the service's limit stops the submit, named beside the
   * files (when the service does not say its limit, the upload itself will refuse).
   * @returns {Promise<boolean>} whether every file fits
   */
  async function filesFit(/** @type {File[]} */ chosen) {
    const max = chosen.length ? await maxUploadBytes(deps.token).catch(() => null) : null;
    const large = max === null ? undefined : chosen.find((file) => file.size > max);
    tooLarge.hidden = !large;
    if (large && max !== null) {
      const size = formatBytes(max, language());
      tooLarge.textContent = t("portal.tooLarge", { name: large.name, max: size });
    }
    return !large;
  }

  async function upload(/** @type {string} */ ticketId, /** @type {File} */ file) {
    const bar = /** @type {HTMLProgressElement} */ (h("progress", {
      max: String(file.size || 1),
      value: "0",
      "aria-label": t("portal.uploading", { name: file.name }),
    }));
    const label = h("span", {}, t("portal.uploaded", { name: file.name, percent: 0 }));
    uploads.querySelector(`[data-upload="${CSS.escape(file.name)}"]`)?.remove();
    uploads.append(h("li", { "data-upload": file.name }, label, bar));
    // A refusal is told on the file's own row, naming it; the error line says it too.
    const refused = (/** @type {unknown} */ error) => {
      label.textContent = t("portal.refusedFile", { name: file.name, why: problemText(error) });
      throw error;
    };
    await tusUpload({
      token: deps.token,
      ticketId,
      file,
      onProgress(sent, total) {
        bar.value = total === 0 ? 1 : sent;
        const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
        label.textContent = t("portal.uploaded", { name: file.name, percent });
        bar.dataset.percent = String(percent);
      },
    }).catch(refused);
  }

  return form;
}
