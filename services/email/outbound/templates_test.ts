import assert from "node:assert/strict";
import { escapedHtml, renderMail } from "./templates.ts";
import { TEMPLATES } from "./template_texts.ts";

const values = {
  number: "17",
  subject: "Printer <b>on fire</b>",
  body: "Hello Alice,\n<script>alert(1)</script> & more",
  sender: "Acme Support",
  survey: "",
};

Deno.test("renderMail - a reply carries the body as typed in text and escaped in HTML", () => {
  const mail = renderMail("reply", "en", values);
  assert.equal(mail.subject, "Re: Printer <b>on fire</b> [#17]");
  assert.ok(mail.text.startsWith("Hello Alice,\n<script>alert(1)</script> & more"));
  assert.ok(
    mail.html.includes("Hello Alice,<br>\n&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
  );
  assert.ok(!mail.html.includes("<script>"));
  assert.ok(mail.html.includes('<html lang="en">'));
});

Deno.test("renderMail - Chinese templates for every kind, with the ticket number", () => {
  for (const kind of ["reply", "created", "solved"] as const) {
    const mail = renderMail(kind, "zh", { ...values, subject: "打印机着火了" });
    assert.ok(mail.subject.startsWith("回复：打印机着火了 [#17]"), mail.subject);
    assert.ok(mail.text.includes("#17"));
    assert.ok(mail.html.includes('lang="zh"'));
    assert.equal(mail.language, "zh");
  }
  assert.ok(renderMail("created", "zh", values).text.includes("我们已收到您的请求"));
});

Deno.test("renderMail - the subject is one line whatever the values hold", () => {
  assert.equal(
    renderMail("solved", "en", { ...values, subject: "a\r\nBcc: x@y" }).subject,
    "Re: a Bcc: x@y [#17]",
  );
});

Deno.test("renderMail - a template naming an unknown placeholder throws", () => {
  const broken = structuredClone(TEMPLATES);
  broken.en.reply.text = "{{bodyy}}";
  assert.throws(() => renderMail("reply", "en", values, broken), /Unknown template placeholder/);
});

Deno.test("every template uses only known placeholders", () => {
  for (const language of ["en", "zh"] as const) {
    for (const kind of ["reply", "created", "solved"] as const) renderMail(kind, language, values);
  }
});

Deno.test("escapedHtml - escapes the five HTML specials", () => {
  assert.equal(
    escapedHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});
