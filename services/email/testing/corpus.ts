/**
 * Awkward mail, made byte for byte by the tests that decode it: legacy charsets, encoded words
 * folded and broken, RFC 2231 names, nested multiparts, hostile HTML, huge bodies, no Message-ID.
 * Raw bytes are written out here because a mail library would only ever write clean UTF-8.
 * @module
 */
import { Buffer } from "node:buffer";

/** A message of `headers` and `body` lines (CRLF-joined) as bytes; `body` may hold raw bytes. */
export function rawMail(headers: string[], body: string | Uint8Array): Uint8Array {
  const head = Buffer.from([...headers, "", ""].join("\r\n"), "latin1");
  const tail = typeof body === "string"
    ? Buffer.from(body.replace(/\r?\n/g, "\r\n"), "latin1")
    : body;
  return new Uint8Array(Buffer.concat([head, tail]));
}

const BASE = [
  "From: Ann <ann@customer.example>",
  "To: support@acme.example",
  "Date: Thu, 03 Dec 2026 10:00:00 +0000",
  "MIME-Version: 1.0",
];

/** A single-part mail in `charset` whose body bytes are `bytes` sent as base64. */
export function legacyCharsetMail(charset: string, subjectWord: string, bytes: number[]) {
  return rawMail(
    [
      ...BASE,
      `Message-ID: <${charset}-1@customer.example>`,
      `Subject: ${subjectWord}`,
      `Content-Type: text/plain; charset=${charset}`,
      "Content-Transfer-Encoding: base64",
    ],
    Buffer.from(bytes).toString("base64"),
  );
}

/** GB2312/GBK/GB18030 and Big5 bytes of 中文, ISO-2022-JP of 日本, windows-1252 of "café €". */
export const SAMPLES = {
  gb2312: [0xd6, 0xd0, 0xce, 0xc4],
  big5: [0xa4, 0xa4, 0xa4, 0xe5],
  iso2022jp: [0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42],
  windows1252: [0x63, 0x61, 0x66, 0xe9, 0x20, 0x80],
};

/** multipart/mixed > alternative (text, related (html, inline image)) > an RFC 2231 named file. */
export function nestedMail(): Uint8Array {
  return rawMail(
    [
      ...BASE,
      "Message-ID: <nested-1@customer.example>",
      "Subject: nested",
      'Content-Type: multipart/mixed; boundary="m"',
    ],
    [
      "--m",
      'Content-Type: multipart/alternative; boundary="a"',
      "",
      "--a",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Plain part =E2=9C=93",
      "--a",
      'Content-Type: multipart/related; boundary="r"',
      "",
      "--r",
      "Content-Type: text/html; charset=utf-8",
      "",
      '<p>HTML part <img src="cid:logo@x"></p>',
      "--r",
      "Content-Type: image/png",
      "Content-ID: <logo@x>",
      "Content-Disposition: inline",
      "Content-Transfer-Encoding: base64",
      "",
      "iVBORw0KGgo=",
      "--r--",
      "--a--",
      "--m",
      "Content-Type: text/plain",
      "Content-Disposition: attachment;",
      " filename*0*=UTF-8''%E5%90%8D%E5%AD%97;",
      " filename*1*=%E5%88%97%E8%A1%A8.txt",
      "",
      "list",
      "--m--",
      "",
    ].join("\n"),
  );
}

/** An HTML-only mail of scripts, styles, handlers and javascript: links. */
export function hostileHtmlMail(): Uint8Array {
  return rawMail(
    [
      ...BASE,
      "Message-ID: <evil-1@customer.example>",
      "Subject: hi",
      "Content-Type: text/html; charset=utf-8",
    ],
    [
      "<html><head><style>p{display:none}</style><script>alert('x')</script></head><body>",
      '<p onclick="steal()">Hello <b>there</b></p><img src=x onerror="alert(1)">',
      '<a href="javascript:alert(2)">click</a><iframe src="https://evil.example"></iframe>',
      "</body></html>",
    ].join("\n"),
  );
}

/** HTML nested `depth` elements deep. */
export function deepHtmlMail(depth: number): Uint8Array {
  return rawMail([
    ...BASE,
    "Message-ID: <deep-1@customer.example>",
    "Subject: deep",
    "Content-Type: text/html; charset=utf-8",
  ], `${"<div>".repeat(depth)}bottom${"</div>".repeat(depth)}<p>top</p>`);
}

/** A plain mail with `bytes` of body text. */
export function hugeMail(bytes: number): Uint8Array {
  const line = "All work and no play makes Jack a dull boy. ".repeat(2) + "\n";
  return rawMail([
    ...BASE,
    "Message-ID: <huge-1@customer.example>",
    "Subject: huge",
    "Content-Type: text/plain; charset=utf-8",
  ], line.repeat(Math.ceil(bytes / line.length)));
}
