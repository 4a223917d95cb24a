import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { requestValidator } from "./validate.ts";
import type { CreateTicketRequest } from "./request.ts";

const config = loadConfig({});
const validate = requestValidator(config.limits, config.maxTags);
const request: CreateTicketRequest = {
  subject: "Printer on fire",
  body: "Line one\r\n\tline two",
  priority: "urgent",
  tags: ["hw"],
  requesterId: "import:desk",
  status: "solved",
  externalId: "desk:1",
  createdAt: "2021-09-30T17:20:00.000Z",
};

Deno.test("requestValidator - accepts what the API accepts", () => {
  assert.equal(validate(request), null);
});

Deno.test("requestValidator - refuses with the API's codes", () => {
  assert.equal(validate({ ...request, subject: "a\nb" })?.code, "invalid_request");
  assert.equal(validate({ ...request, tags: ["*x"] })?.code, "invalid_tag");
  assert.match(validate({ ...request, subject: "x".repeat(501) })!.detail, /^subject:/);
});
