import assert from "node:assert/strict";
import { attachmentEtag, contentDisposition, downloadHeaders } from "./download_headers.ts";

Deno.test("contentDisposition - raster images are inline; SVG, HTML, PDF and the rest are attachments", () => {
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    assert.match(contentDisposition("a.png", mime), /^inline; /);
  }
  for (const mime of ["image/svg+xml", "text/html", "application/pdf", "text/plain", "image/bmp"]) {
    assert.match(contentDisposition("a.png", mime), /^attachment; /, mime);
  }
});

Deno.test("contentDisposition - the name is given as ASCII and as RFC 8187 UTF-8", () => {
  assert.equal(
    contentDisposition("Résumé (final) 合同.pdf", "application/pdf"),
    `attachment; filename="Resume (final) __.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29%20%E5%90%88%E5%90%8C.pdf`,
  );
  assert.equal(
    contentDisposition("it's 100%*.txt", "text/plain"),
    `attachment; filename="it's 100__.txt"; filename*=UTF-8''it%27s%20100%25_.txt`,
  );
});

Deno.test("contentDisposition - a stored name cannot inject a header or a quote", () => {
  const header = contentDisposition('x"\r\nSet-Cookie: a=b\\.txt', "text/plain");
  assert.ok(!/[\r\n]/.test(header));
  assert.match(
    header,
    /^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9%._~!#$&+^`|-]+$/,
  );
});

Deno.test("downloadHeaders - nosniff, a sandboxing CSP, no shared caching, ranges and an ETag", () => {
  const headers = downloadHeaders({
    attachmentId: "77",
    fileName: "notes.txt",
    mime: "text/plain",
  });
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["content-security-policy"], "default-src 'none'; sandbox");
  assert.equal(headers["cache-control"], "private, no-store");
  assert.equal(headers["accept-ranges"], "bytes");
  assert.equal(headers.etag, '"77"');
  assert.equal(headers["content-type"], "text/plain; charset=utf-8");
  const utf16 = downloadHeaders({
    attachmentId: "1",
    fileName: "a",
    mime: "text/plain; charset=utf-16le",
  });
  assert.equal(utf16["content-type"], "text/plain; charset=utf-16le");
  assert.equal(
    downloadHeaders({ attachmentId: "1", fileName: "a", mime: "image/png" })["content-type"],
    "image/png",
  );
});

Deno.test("attachmentEtag - the content id when the record has a usable one, else the attachment id", () => {
  assert.equal(
    attachmentEtag({ attachmentId: "7", contentId: "sha256-AbC+/=" }),
    '"sha256-AbC+/="',
  );
  assert.equal(attachmentEtag({ attachmentId: "7" }), '"7"');
  assert.equal(attachmentEtag({ attachmentId: "7", contentId: 'a"b' }), '"7"');
});
