import assert from "node:assert/strict";
import {
  deepHtmlMail,
  hostileHtmlMail,
  hugeMail,
  legacyCharsetMail,
  nestedMail,
  rawMail,
  SAMPLES,
} from "../testing/corpus.ts";
import { requesterIdFor } from "../domain/identities.ts";
import { parseMail, UnparseableMail } from "./parse_mail.ts";

/** A mail of `levels` multiparts, each the only part of the one around it. */
function nestedParts(levels: number): Uint8Array {
  let body = "hello\r\n";
  for (let i = levels; i > 0; i--) {
    const b = `b${i}`;
    body =
      `Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\n${body}\r\n--${b}--\r\n`;
  }
  return new TextEncoder().encode(`From: ann@customer.example\r\nSubject: deep\r\n${body}`);
}

const limits = { maxHtmlChars: 1_000_000, maxHtmlDepth: 100, maxMimeParts: 1_000 };

Deno.test("parseMail - GB2312, GBK and GB18030 bodies and encoded-word subjects decode", async () => {
  for (const charset of ["GB2312", "GBK", "GB18030"]) {
    const mail = await parseMail(
      legacyCharsetMail(charset, `=?${charset}?B?1tDOxA==?=`, SAMPLES.gb2312),
      limits,
    );
    assert.equal(mail.text.trim(), "中文", charset);
    assert.equal(mail.subject, "中文", charset);
  }
});

Deno.test("parseMail - Big5 decodes", async () => {
  const mail = await parseMail(
    legacyCharsetMail("Big5", "=?Big5?B?pKSk5Q==?=", SAMPLES.big5),
    limits,
  );
  assert.equal(mail.text.trim(), "中文");
  assert.equal(mail.subject, "中文");
});

Deno.test("parseMail - ISO-2022-JP decodes", async () => {
  const subject = "=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=";
  const mail = await parseMail(
    legacyCharsetMail("ISO-2022-JP", subject, SAMPLES.iso2022jp),
    limits,
  );
  assert.equal(mail.text.trim(), "日本");
  assert.equal(mail.subject, "日本");
});

Deno.test("parseMail - windows-1252 decodes its euro sign and accents", async () => {
  const subject = "=?windows-1252?Q?caf=E9_=80?=";
  const mail = await parseMail(
    legacyCharsetMail("windows-1252", subject, SAMPLES.windows1252),
    limits,
  );
  assert.equal(mail.text.trim(), "café €");
  assert.equal(mail.subject, "café €");
});

Deno.test("parseMail - folded encoded words join, a character split across words too", async () => {
  // "你好世界" in UTF-8 split mid-character over two folded encoded words.
  const mail = await parseMail(
    rawMail([
      "From: a@b.example",
      "Subject: =?UTF-8?B?5L2g5aW95LiW?=",
      " =?UTF-8?B?55WM?= end",
      "Content-Type: text/plain; charset=utf-8",
    ], "x"),
    limits,
  );
  assert.equal(mail.subject, "你好世界 end");
});

Deno.test("parseMail - a malformed encoded word is kept as text, not dropped or fatal", async () => {
  const mail = await parseMail(
    rawMail(["From: a@b.example", "Subject: =?UTF-8?Q?broken"], "x"),
    limits,
  );
  assert.match(mail.subject, /broken/);
});

Deno.test("parseMail - undeclared charset: 8-bit UTF-8 text still reads", async () => {
  const body = new TextEncoder().encode("naïve 中文\r\n");
  const mail = await parseMail(rawMail(["From: a@b.example", "Subject: s"], body), limits);
  assert.equal(mail.text.trim(), "naïve 中文");
});

Deno.test("parseMail - nested multiparts: plain text wins, inline image and RFC 2231 file kept", async () => {
  const mail = await parseMail(nestedMail(), limits);
  assert.equal(mail.text.trim(), "Plain part ✓");
  const image = mail.attachments.find((a) => a.mime === "image/png");
  assert.ok(image?.inline);
  const file = mail.attachments.find((a) => a.mime === "text/plain");
  assert.equal(file?.fileName, "名字列表.txt");
  assert.equal(file?.inline, false);
});

Deno.test("parseMail - hostile HTML becomes text without scripts, styles or handlers", async () => {
  const mail = await parseMail(hostileHtmlMail(), limits);
  assert.match(mail.text, /Hello THERE|Hello there/i);
  for (const gone of ["alert", "steal", "<", "display:none", "onerror", "iframe"]) {
    assert.ok(!mail.text.includes(gone), `${gone} in ${JSON.stringify(mail.text)}`);
  }
});

Deno.test("parseMail - HTML deeper than the depth limit is cut, quickly", async () => {
  const started = performance.now();
  const mail = await parseMail(deepHtmlMail(20_000), { ...limits, maxHtmlDepth: 50 });
  assert.ok(!mail.text.includes("bottom"));
  assert.ok(performance.now() - started < 10_000);
});

Deno.test("parseMail - HTML beyond the size limit is not read", async () => {
  const mail = await parseMail(hostileHtmlMail(), { ...limits, maxHtmlChars: 40 });
  assert.ok(!mail.text.includes("Hello"));
});

Deno.test("parseMail - a 5 MB body decodes whole", async () => {
  const mail = await parseMail(hugeMail(5_000_000), limits);
  assert.ok(mail.text.length >= 4_900_000);
});

Deno.test("parseMail - no Message-ID reads as null; the content hash tells mails apart", async () => {
  const a = await parseMail(rawMail(["From: a@b.example", "Subject: s"], "one"), limits);
  const b = await parseMail(rawMail(["From: a@b.example", "Subject: s"], "two"), limits);
  assert.equal(a.messageId, null);
  assert.notEqual(a.contentHash, b.contentHash);
});

Deno.test("parseMail - threading and loop headers are read", async () => {
  const mail = await parseMail(
    rawMail([
      "From: A <A@B.example>",
      "To: Support <support+12@acme.example>",
      "Delivered-To: support@acme.example",
      "Message-ID: <m1@b.example>",
      "In-Reply-To: <ticketd.acme.42.7@help.acme.example>",
      "References: <x@y> <ticketd.acme.42.7@help.acme.example>",
      "Auto-Submitted: auto-replied",
      "Subject: s",
    ], "x"),
    limits,
  );
  assert.equal(mail.messageId, "m1@b.example");
  assert.deepEqual(mail.inReplyTo, ["ticketd.acme.42.7@help.acme.example"]);
  assert.deepEqual(mail.references, ["x@y", "ticketd.acme.42.7@help.acme.example"]);
  assert.deepEqual(mail.recipients, ["support@acme.example", "support+12@acme.example"]);
  assert.equal(mail.from?.address, "a@b.example");
  assert.equal(mail.headers["auto-submitted"], "auto-replied");
});

Deno.test("parseMail - a broken From keeps its odd address, which the requester id hashes", async () => {
  const mail = await parseMail(
    rawMail(["From: <<<broken@@customer.example", "Subject: s"], "x"),
    limits,
  );
  assert.equal(mail.from?.address, "broken@@customer.example");
  assert.match(requesterIdFor(mail.from!.address), /^email:sha256:[0-9a-f]{40}$/);
});

Deno.test("parseMail - a mail of more MIME parts than maxMimeParts (nesting counts) is unparseable", async () => {
  await parseMail(nestedParts(20), { ...limits, maxMimeParts: 21 });
  await assert.rejects(
    () => parseMail(nestedParts(20), { ...limits, maxMimeParts: 20 }),
    UnparseableMail,
  );
  await assert.rejects(() => parseMail(nestedParts(1_000), limits), UnparseableMail);
});

Deno.test("parseMail - a mail with no sender address is unparseable", async () => {
  await assert.rejects(
    () => parseMail(rawMail(["Subject: who?"], "x"), limits),
    UnparseableMail,
  );
});

Deno.test("parseMail - undeclared GBK in the body and a raw 8-bit subject decode as GB18030", async () => {
  const gbk = new Uint8Array([0xd6, 0xd0, 0xce, 0xc4, 0x0d, 0x0a]);
  const mail = await parseMail(
    rawMail(["From: a@b.example", "Subject: \xd6\xd0\xce\xc4"], gbk),
    limits,
  );
  assert.equal(mail.text.trim(), "中文");
  assert.equal(mail.subject, "中文");
});

Deno.test("parseMail - undeclared bytes that are no GB18030 decode as windows-1252", async () => {
  // 0xE9 then a space is no GB18030 sequence: "café au lait" in windows-1252.
  const latin = new Uint8Array([
    0x63,
    0x61,
    0x66,
    0xe9,
    0x20,
    0x61,
    0x75,
    0x20,
    0x6c,
    0x61,
    0x69,
    0x74,
  ]);
  const mail = await parseMail(rawMail(["From: a@b.example", "Subject: s"], latin), limits);
  assert.equal(mail.text.trim(), "café au lait");
});
