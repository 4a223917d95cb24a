import assert from "node:assert/strict";
import { mailLanguage, supported } from "./language.ts";

Deno.test("mailLanguage - the ticket's hint wins over the subject and the tenant default", () => {
  assert.equal(mailLanguage("zh-Hans", "Printer broken", "en"), "zh");
  assert.equal(mailLanguage("en_GB", "打印机坏了", "zh"), "en");
});

Deno.test("mailLanguage - a Han subject without kana is Chinese, else the tenant default", () => {
  assert.equal(mailLanguage(null, "打印机坏了", "en"), "zh");
  assert.equal(mailLanguage(null, "プリンターが壊れた", "en"), "en");
  assert.equal(mailLanguage("fr", "Imprimante cassée", "zh"), "zh");
});

Deno.test("supported - reads the primary language subtag only", () => {
  assert.equal(supported("ZH-tw"), "zh");
  assert.equal(supported("english"), null);
  assert.equal(supported(null), null);
});
