import assert from "node:assert/strict";
import { replyWithoutHistory } from "./reply_text.ts";

Deno.test("replyWithoutHistory - cuts at an English attribution line", () => {
  const text =
    "Still broken.\n\nOn Thu, 3 Dec 2026 at 10:00, Support <s@a.example> wrote:\n> Try again";
  assert.equal(replyWithoutHistory(text), "Still broken.");
});

Deno.test("replyWithoutHistory - cuts at a Chinese attribution and Outlook's original message", () => {
  assert.equal(
    replyWithoutHistory("还是不行\n\n在 2026年12月3日 10:00，客服 <s@a.example> 写道：\n> 请重试"),
    "还是不行",
  );
  assert.equal(
    replyWithoutHistory("Thanks\n\n-----Original Message-----\nFrom: Support\nSent: today"),
    "Thanks",
  );
});

Deno.test("replyWithoutHistory - drops a trailing quoted block but keeps inline quotes", () => {
  assert.equal(replyWithoutHistory("Yes.\n\n> old\n> older\n"), "Yes.");
  assert.equal(
    replyWithoutHistory("> you asked\nMy answer\n> and this\nMore"),
    "> you asked\nMy answer\n> and this\nMore",
  );
});

Deno.test("replyWithoutHistory - keeps everything when nothing new would be left", () => {
  assert.equal(replyWithoutHistory("> only quotes\n> here"), "> only quotes\n> here");
  assert.equal(replyWithoutHistory("No history here"), "No history here");
});

Deno.test("replyWithoutHistory - a customer's own From: line is not taken for history", () => {
  const text = "Details below.\nFrom: my laptop, the printer is unreachable.\nThanks";
  assert.equal(replyWithoutHistory(text), text);
});
