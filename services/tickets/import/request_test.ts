import assert from "node:assert/strict";
import { buildRequest, MappingError, requester, type SourceTicket } from "./request.ts";

const limits = { maxSubjectChars: 500, maxBodyChars: 200_000, maxTags: 50 };
const source: SourceTicket = {
  id: "1",
  subject: "s",
  body: "b",
  priority: "",
  status: "",
  created: "",
  tags: [],
  requester: "import:x",
};

Deno.test("buildRequest - maps a plain row with defaults for what is unset", () => {
  assert.deepEqual(buildRequest("d", source, limits), {
    id: "1",
    request: {
      subject: "s",
      body: "b",
      priority: "normal",
      tags: [],
      requesterId: "import:x",
      status: "new",
      externalId: "d:1",
    },
    changes: [],
  });
});

Deno.test("buildRequest - a row without an id cannot be mapped", () => {
  assert.throws(
    () => buildRequest("d", { ...source, id: " " }, limits),
    (e) => e instanceof MappingError && e.code === "missing_id",
  );
});

Deno.test("buildRequest - an id too long for an external id is hashed, stably", () => {
  const long = { ...source, id: "x".repeat(300) };
  const first = buildRequest("d", long, limits);
  assert.match(first.request.externalId, /^d:sha256:[0-9a-f]{64}$/);
  assert.equal(buildRequest("d", long, limits).request.externalId, first.request.externalId);
  assert.ok(first.changes.includes("external_id_hashed"));
});

Deno.test("buildRequest - unknown values and unreadable times are reported, not sent", () => {
  const odd = { ...source, priority: "ASAP", status: "Limbo", created: "soon" };
  const { request, changes } = buildRequest("d", odd, limits);
  assert.equal(request.priority, "normal");
  assert.equal(request.status, "new");
  assert.equal(request.createdAt, undefined);
  assert.deepEqual(changes, ["priority_unknown", "status_unknown", "created_unreadable"]);
});

Deno.test("requester - keeps only characters a principal id may have", () => {
  assert.equal(requester("Help Desk/EU"), "import:Help-Desk-EU");
});
