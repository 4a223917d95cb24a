/**
 * A small tus 1.0 client over fetch (creation, then PATCH with `Upload-Offset`), for uploads
 * through the gateway. A failed PATCH is retried after asking the server (HEAD) where the upload
 * stands, so a broken connection resumes where the bytes stopped instead of starting again.
 * Progress is reported after each chunk (fetch has no upload progress events).
 * @module
 */

const BASE = "/api/attachments/v1/attachments/uploads";
const CHUNK_BYTES = 256 * 1024;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/**
 * @typedef {{ token(): Promise<string>, ticketId: string, file: Blob & { name?: string },
 *   onProgress(sent: number, total: number): void, chunkBytes?: number,
 *   retryDelaysMs?: number[] }} UploadOptions
 */

/**
 * Uploads `file` as an attachment of `ticketId`; resolves with the upload's id when the server
 * has every byte, rejects with the last error when the retries are spent.
 * @param {UploadOptions} options
 * @returns {Promise<string>}
 */
export async function tusUpload(options) {
  const { file } = options;
  const chunk = options.chunkBytes ?? CHUNK_BYTES;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const id = await create(options);
  let offset = 0;
  let failures = 0;
  options.onProgress(0, file.size);
  while (offset < file.size) {
    try {
      offset = await patch(options, id, offset, file.slice(offset, offset + chunk));
      failures = 0;
      options.onProgress(offset, file.size);
    } catch (error) {
      if (!retryable(error) || failures >= delays.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, delays[failures++]));
      offset = await serverOffset(options, id).catch(() => offset);
    }
  }
  return id;
}

/**
 * The largest file the attachments service takes (its tus `Tus-Max-Size`), or null when it does
 * not say: asked before a ticket is created, so a file too large never leaves a ticket without it.
 * @param {() => Promise<string>} token
 * @returns {Promise<number | null>}
 */
export async function maxUploadBytes(token) {
  const response = await fetch(BASE, {
    method: "OPTIONS",
    headers: { authorization: `Bearer ${await token()}` },
  });
  await response.body?.cancel();
  const max = Number(response.headers.get("tus-max-size"));
  return response.ok && max > 0 ? max : null;
}

/** @param {UploadOptions} options */
async function create(options) {
  const name = options.file.name ?? "attachment";
  const metadata = [
    `ticketId ${base64(options.ticketId)}`,
    `filename ${base64(name)}`,
    options.file.type ? `filetype ${base64(options.file.type)}` : "",
  ].filter(Boolean).join(",");
  const response = await fetch(BASE, {
    method: "POST",
    headers: {
      ...(await headers(options)),
      "upload-length": String(options.file.size),
      "upload-metadata": metadata,
    },
  });
  if (response.status !== 201) throw await uploadError(response);
  // The service names its own path; the id is its last segment, reached here through /api.
  const location = response.headers.get("location") ?? "";
  return location.slice(location.lastIndexOf("/") + 1);
}

/**
 * @param {UploadOptions} options
 * @param {string} id
 * @param {number} offset
 * @param {Blob} bytes
 */
async function patch(options, id, offset, bytes) {
  const response = await fetch(`${BASE}/${id}`, {
    method: "PATCH",
    headers: {
      ...(await headers(options)),
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
    },
    body: bytes,
  });
  if (response.status !== 204) throw await uploadError(response);
  return Number(response.headers.get("upload-offset"));
}

/**
 * @param {UploadOptions} options
 * @param {string} id
 */
async function serverOffset(options, id) {
  const response = await fetch(`${BASE}/${id}`, {
    method: "HEAD",
    headers: await headers(options),
  });
  if (!response.ok) throw new Error(`upload_${response.status}`);
  return Number(response.headers.get("upload-offset"));
}

/** The 409s that pass: another PATCH holds the upload, or it moved on (ask its offset). */
const PASSING_CONFLICTS = ["upload_conflict", "upload_locked"];

/**
 * A lost connection, a conflict (another PATCH, a stale offset) or a server-side failure may
 * pass; a refusal (a file type, a size, a gone upload, the file already on the ticket) will not.
 * @param {unknown} error
 */
function retryable(error) {
  const { status, code } = /** @type {{ status?: number, code?: string }} */ (error);
  if (status === 409) return PASSING_CONFLICTS.includes(code ?? "");
  return status === undefined || status === 423 || status >= 500;
}

/** @param {UploadOptions} options */
async function headers(options) {
  return { authorization: `Bearer ${await options.token()}`, "tus-resumable": "1.0.0" };
}

/** @param {Response} response */
async function uploadError(response) {
  const problem = await response.json().catch(() => ({}));
  return Object.assign(new Error(String(problem.code ?? `upload_${response.status}`)), {
    code: String(problem.code ?? `upload_${response.status}`),
    status: response.status,
  });
}

/** @param {string} text */
function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
