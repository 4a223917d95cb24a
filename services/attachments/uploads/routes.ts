/**
 * The tus 1.0 server (core, creation, creation-with-upload, termination, checksum, expiration)
 * under `/attachments/uploads`. Mounted behind bearer auth: `principal` is on the context.
 * Every answer carries `Tus-Resumable`; errors are problem documents with tus's statuses.
 * @module
 */
import { type Context, Hono } from "hono";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import {
  errorHandler,
  notFoundHandler,
  problem,
  problemResponse,
} from "@ticketd/shared/http/problem.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { UploadDeps } from "./deps.ts";
import { Uploads } from "./uploads.ts";
import { offsetOf, type UploadState } from "./upload_state.ts";
import type { BodySource } from "./body.ts";
import {
  CHECKSUM_ALGORITHMS,
  parseByteCount,
  parseChecksum,
  parseMetadata,
  TUS_EXTENSIONS,
  TUS_VERSION,
} from "./tus_headers.ts";

export type UploadsEnv = { Variables: { principal: Principal; requestId: string } };

const BASE = "/attachments/uploads";
const OCTETS = "application/offset+octet-stream";

/** The tus routes; `uploads` may be passed to share one {@link Uploads} (tests, integrator). */
export function uploadRoutes(deps: UploadDeps, uploads = new Uploads(deps)): Hono<UploadsEnv> {
  const app = new Hono<UploadsEnv>();
  const onError = errorHandler(deps.log);
  app.onError((error, c) => withTus(onError(error, c)));
  app.notFound((c) => withTus(notFoundHandler(c)));
  app.options(BASE, () => capabilities(deps));
  app.options(`${BASE}/:id`, () => capabilities(deps));
  app.use(`${BASE}/*`, requireTusVersion);
  app.use(BASE, requireTusVersion);

  app.post(BASE, async (c) => {
    const length = parseByteCount(c.req.header("upload-length"), "Upload-Length");
    const metadata = parseMetadata(c.req.header("upload-metadata"));
    let found = await uploads.create(c.get("principal"), length, metadata);
    const body = bodyOf(c, false);
    if (body.stream && found.state.status === "receiving") {
      found = await uploads.append(c.get("principal"), found.state.id, 0, body);
    }
    const location = `${new URL(c.req.url).pathname.replace(/\/$/, "")}/${found.state.id}`;
    return tus(201, { location, ...offsetHeaders(found.state) });
  });

  // Hono answers HEAD with the GET route (without its body).
  app.get(`${BASE}/:id`, async (c) => {
    const { state } = await uploads.status(c.get("principal"), c.req.param("id"));
    return tus(200, {
      ...offsetHeaders(state),
      "upload-length": String(state.length),
      "cache-control": "no-store",
    });
  });

  app.patch(`${BASE}/:id`, async (c) => {
    if (c.req.header("content-type") !== OCTETS) {
      fail("unsupported_media_type", `A PATCH body must be ${OCTETS}`, 415);
    }
    const offset = parseByteCount(c.req.header("upload-offset"), "Upload-Offset");
    const found = await uploads.append(
      c.get("principal"),
      c.req.param("id"),
      offset,
      bodyOf(c, true),
    );
    return tus(204, offsetHeaders(found.state));
  });

  app.delete(`${BASE}/:id`, async (c) => {
    await uploads.terminate(c.get("principal"), c.req.param("id"));
    return tus(204, {});
  });
  return app;
}

function capabilities(deps: UploadDeps): Response {
  return tus(204, {
    "tus-version": TUS_VERSION,
    "tus-extension": TUS_EXTENSIONS,
    "tus-max-size": String(deps.settings.maxFileBytes),
    "tus-checksum-algorithm": CHECKSUM_ALGORITHMS.join(","),
  });
}

async function requireTusVersion(c: Context, next: () => Promise<void>) {
  if (c.req.method === "OPTIONS") return await next();
  if (c.req.header("tus-resumable") !== TUS_VERSION) {
    return withTus(
      problemResponse(
        problem(412, "tus_version_unsupported", `Send Tus-Resumable: ${TUS_VERSION}`),
        {
          "tus-version": TUS_VERSION,
        },
      ),
    );
  }
  await next();
}

/** The request body for the writer; a POST only has one with the tus content type. */
function bodyOf(c: Context, patch: boolean): BodySource {
  const declared = c.req.header("content-length");
  const hasBody = patch || c.req.header("content-type") === OCTETS;
  return {
    stream: hasBody && declared !== "0" ? c.req.raw.body : null,
    declaredBytes: declared === undefined ? null : parseByteCount(declared, "Content-Length"),
    checksum: parseChecksum(c.req.header("upload-checksum")),
  };
}

function offsetHeaders(state: UploadState): Record<string, string> {
  return {
    "upload-offset": String(offsetOf(state)),
    "upload-expires": new Date(state.expiresAt).toUTCString(),
  };
}

function tus(status: number, headers: Record<string, string>): Response {
  return new Response(null, { status, headers: { "tus-resumable": TUS_VERSION, ...headers } });
}

function withTus(response: Response): Response {
  response.headers.set("tus-resumable", TUS_VERSION);
  return response;
}
