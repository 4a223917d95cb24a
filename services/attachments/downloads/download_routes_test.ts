import assert from "node:assert/strict";
import { Hono } from "hono";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { errorHandler } from "@ticketd/shared/http/problem.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import {
  type AttachmentKey,
  sealSegment,
  SEGMENT_BYTES,
  segmentCount,
} from "../crypto/segments.ts";
import { ObjectStore } from "../storage/object_store.ts";
import { startTestS3, type TestS3 } from "../testing/s3.ts";
import { type AttachmentRecord, type DownloadEnv, downloadRoutes } from "./download_routes.ts";
import type { SealedObjects } from "./plaintext_stream.ts";
import type { AttachmentRecord as StoredRecord } from "../records.ts";

const SIZE = 3 * SEGMENT_BYTES + 1000; // four segments, the last one short
const content = new Uint8Array(SIZE).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
const visibleTo = "agent-1";

function keyFor(attachmentId: string): AttachmentKey {
  return {
    attachmentId,
    cipher: "A256GCM",
    key: new Uint8Array(32).fill(9),
    noncePrefix: new Uint8Array(8).fill(4),
  };
}

function sealAll(key: AttachmentKey, plain: Uint8Array): Uint8Array {
  const count = segmentCount(plain.length);
  const parts = Array.from(
    { length: count },
    (_, i) =>
      sealSegment(
        key,
        i,
        plain.subarray(i * SEGMENT_BYTES, (i + 1) * SEGMENT_BYTES),
        i === count - 1,
      ),
  );
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

function record(attachmentId: string, overrides: Partial<AttachmentRecord> = {}): AttachmentRecord {
  return {
    attachmentId,
    tenant: "acme",
    ticketId: "5",
    fileName: "report.bin",
    mime: "application/pdf",
    kind: "pdf",
    size: SIZE,
    objectKey: `acme/${attachmentId}`,
    noncePrefix: "BAQEBAQEBAQ=",
    sealedKey: "enc:v2:test",
    status: "clean",
    ...overrides,
  };
}

interface Fixture {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Ranged reads the routes made: [offset, length]. */
  reads: [number, number | undefined][];
  /** What was logged so far. */
  logs(): Promise<string>;
  s3: TestS3;
}

async function withDownloads(
  records: AttachmentRecord[],
  fn: (f: Fixture) => Promise<void>,
  tamper?: (sealed: Uint8Array) => void,
): Promise<void> {
  const s3 = await startTestS3();
  try {
    const store = new ObjectStore({ ...s3, useSSL: false, bucket: "attachments" });
    await store.ensureBucket();
    for (const r of records) {
      const sealed = sealAll(
        keyFor(r.attachmentId),
        r.size === SIZE ? content : content.subarray(0, r.size),
      );
      tamper?.(sealed);
      await store.put(r.objectKey, sealed);
    }
    const reads: Fixture["reads"] = [];
    const storage: SealedObjects = {
      getPartial: (
        key,
        offset,
        length,
      ) => (reads.push([offset, length]), store.getPartial(key, offset, length)),
    };
    const logged: string[] = [];
    const log = createLogger("error", {}, {
      write: (b) => Promise.resolve(logged.push(new TextDecoder().decode(b))),
    });
    const routes = downloadRoutes({
      find: (principal, id) =>
        Promise.resolve(
          principal.id === visibleTo ? records.find((r) => r.attachmentId === id) ?? null : null,
        ),
      openKey: (r) => {
        if (r.status === "clean" && r.sealedKey === "erased") {
          return Promise.reject(new DomainError("content_erased", "erased", 410));
        }
        return Promise.resolve(keyFor(r.attachmentId));
      },
      storage,
      log,
    });
    const app = new Hono<DownloadEnv>();
    app.onError(errorHandler(log));
    app.use((c, next) => {
      const principal: Principal = {
        id: c.req.header("x-as") ?? visibleTo,
        role: "agent",
        tenant: "acme",
        groups: [],
      };
      c.set("principal", principal);
      return next();
    });
    app.route("/v1", routes);
    const logs = async () => (await log.flush(), logged.join(""));
    await fn({ request: async (path, init) => await app.request(path, init), reads, logs, s3 });
  } finally {
    await s3.stop();
  }
}

const range = (value: string) => ({ headers: { range: value } });

Deno.test("download - the whole file streams decrypted with safe headers", async () => {
  await withDownloads([record("11")], async ({ request }) => {
    const response = await request("/v1/attachments/11");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.bytes(), content);
    const h = response.headers;
    assert.equal(h.get("content-length"), String(SIZE));
    assert.equal(h.get("content-type"), "application/pdf");
    assert.equal(h.get("x-content-type-options"), "nosniff");
    assert.match(h.get("content-disposition")!, /^attachment; filename="report.bin"/);
    assert.equal(h.get("content-security-policy"), "default-src 'none'; sandbox");
    assert.equal(h.get("cache-control"), "private, no-store");
    assert.equal(h.get("accept-ranges"), "bytes");
    assert.equal(h.get("etag"), '"11"');
  });
});

Deno.test("download - a range across a segment boundary reads only the two segments it touches", async () => {
  await withDownloads([record("12")], async ({ request, reads }) => {
    const [start, end] = [SEGMENT_BYTES - 10, SEGMENT_BYTES + 9];
    const response = await request("/v1/attachments/12", range(`bytes=${start}-${end}`));
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${SIZE}`);
    assert.equal(response.headers.get("content-length"), "20");
    assert.deepEqual(await response.bytes(), content.subarray(start, end + 1));
    assert.deepEqual(reads, [[0, 2 * (SEGMENT_BYTES + 16)]]);
  });
});

Deno.test("download - suffix and open-ended ranges end on the final segment", async () => {
  await withDownloads([record("13")], async ({ request, reads }) => {
    const tail = await request("/v1/attachments/13", range("bytes=-1500"));
    assert.equal(tail.status, 206);
    assert.equal(tail.headers.get("content-range"), `bytes ${SIZE - 1500}-${SIZE - 1}/${SIZE}`);
    assert.deepEqual(await tail.bytes(), content.subarray(SIZE - 1500));
    assert.deepEqual(reads[0], [2 * (SEGMENT_BYTES + 16), SEGMENT_BYTES + 16 + 1000 + 16]);
    const from = await request("/v1/attachments/13", range(`bytes=${SEGMENT_BYTES * 3}-`));
    assert.deepEqual(await from.bytes(), content.subarray(SEGMENT_BYTES * 3));
  });
});

Deno.test("download - a range past the end is 416 with the size; several ranges get the whole file", async () => {
  await withDownloads([record("14")], async ({ request }) => {
    const past = await request("/v1/attachments/14", range(`bytes=${SIZE}-`));
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${SIZE}`);
    assert.equal((await past.json()).code, "range_not_satisfiable");
    const several = await request("/v1/attachments/14", range("bytes=0-1,10-20"));
    assert.equal(several.status, 200);
    assert.equal((await several.bytes()).length, SIZE);
  });
});

Deno.test("download - HEAD answers the headers without reading the object", async () => {
  await withDownloads([record("15")], async ({ request, reads }) => {
    const response = await request("/v1/attachments/15", {
      method: "HEAD",
      ...range("bytes=0-99"),
    });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-length"), "100");
    assert.equal(response.headers.get("etag"), '"15"');
    assert.equal(await response.text(), "");
    assert.deepEqual(reads, []);
  });
});

Deno.test("download - an attachment the caller may not see, or a malformed id, is 404", async () => {
  await withDownloads([record("16")], async ({ request }) => {
    const hidden = await request("/v1/attachments/16", { headers: { "x-as": "someone-else" } });
    assert.equal(hidden.status, 404);
    assert.equal((await hidden.json()).code, "attachment_not_found");
    assert.equal((await request("/v1/attachments/99")).status, 404);
    assert.equal((await request("/v1/attachments/..%2f16")).status, 404);
  });
});

Deno.test("download - quarantined and failed-scan attachments are never served (403)", async () => {
  const records = [
    record("17", { status: "quarantined" }),
    record("18", { status: "scan_failed" }),
  ];
  await withDownloads(records, async ({ request, reads }) => {
    for (const id of ["17", "18"]) {
      const response = await request(`/v1/attachments/${id}`);
      assert.equal(response.status, 403);
      assert.equal((await response.json()).code, "attachment_quarantined");
    }
    assert.deepEqual(reads, []);
  });
});

Deno.test("download - an unscanned attachment (no scanner configured) is served", async () => {
  await withDownloads([record("19", { status: "unscanned" })], async ({ request }) => {
    const response = await request("/v1/attachments/19");
    assert.equal(response.status, 200);
    assert.equal((await response.bytes()).length, SIZE);
  });
});

Deno.test("download - an erased customer's attachment is 410 attachment_erased", async () => {
  await withDownloads([record("20", { sealedKey: "erased" })], async ({ request }) => {
    const response = await request("/v1/attachments/20");
    assert.equal(response.status, 410);
    assert.equal((await response.json()).code, "attachment_erased");
  });
});

Deno.test("download - a tampered segment breaks the stream off and is logged, never served as plaintext", async () => {
  const flipInThirdSegment = (sealed: Uint8Array) =>
    void (sealed[2 * (SEGMENT_BYTES + 16) + 5] ^= 1);
  await withDownloads([record("21")], async ({ request, logs }) => {
    const response = await request("/v1/attachments/21");
    assert.equal(response.status, 200); // the headers left before the bad segment was reached
    await assert.rejects(response.bytes());
    assert.match(await logs(), /attachment download broke off.*"attachmentId":"21"/);
  }, flipInThirdSegment);
});

Deno.test("download - raster images are inline, SVG and HTML are attachments", async () => {
  const records = [
    record("22", { mime: "image/png", kind: "image", fileName: "shot.png" }),
    record("23", { mime: "image/svg+xml", kind: "text", fileName: "logo.svg" }),
    record("24", { mime: "text/html", kind: "text", fileName: "page.html" }),
  ];
  await withDownloads(records, async ({ request }) => {
    const disposition = async (id: string) => {
      const response = await request(`/v1/attachments/${id}`, { method: "HEAD" });
      return response.headers.get("content-disposition")!;
    };
    assert.match(await disposition("22"), /^inline; filename="shot.png"/);
    assert.match(await disposition("23"), /^attachment; filename="logo.svg"/);
    assert.match(await disposition("24"), /^attachment; filename="page.html"/);
  });
});

Deno.test("download - a zero-byte file is 200 with no body, even when a range is asked", async () => {
  await withDownloads(
    [record("25", { size: 0, mime: "text/plain", kind: "text" })],
    async ({ request }) => {
      const response = await request("/v1/attachments/25", range("bytes=-10"));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-length"), "0");
      assert.equal((await response.bytes()).length, 0);
    },
  );
});

Deno.test("download - a record as stored in KV is what the download routes take", () => {
  const stored = (r: StoredRecord): AttachmentRecord => r; // fails to type-check if they drift
  assert.equal(typeof stored, "function");
});
