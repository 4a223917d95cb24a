import assert from "node:assert/strict";
import { detectMapping, gitbugsMapping, vscodeIssuesZhMapping } from "./mappings.ts";

const limits = { maxSubjectChars: 500, maxBodyChars: 200_000, maxTags: 50 };

const hadoop = {
  id: "hadoop-13404344",
  project: "hadoop",
  summary: "JAR in conflict\twith timestamp check",
  description: "After an init action\r\npulls down a new JAR",
  status: "Patch Available",
  priority_raw: "Blocker",
  priority_norm: "P0-urgent",
  resolution: "",
  created: "2021-09-30T17:20:00",
  resolved: "",
  affects_version: "2.9.2",
  duplicate_of: [],
};

const seamonkey = {
  ...hadoop,
  id: "seamonkey-1607000",
  project: "seamonkey",
  status: "VERIFIED",
  priority_norm: "",
  description: "",
  created: "2020-01-02T17:14:21Z",
};

const vscode = {
  id: "vscode-127281",
  issue_number: 127281,
  title: "无法登陆",
  body: "所需的数据太大",
  labels: ["info-needed", "*english-please"],
  state: "closed",
  state_reason: "completed",
  created_at: "2021-06-28T01:49:59Z",
};

Deno.test("gitbugs - maps a Hadoop row to an import request", () => {
  const { request, changes } = gitbugsMapping().map(hadoop, 0, limits);
  assert.deepEqual(request, {
    subject: "JAR in conflict with timestamp check",
    body: "After an init action\r\npulls down a new JAR",
    priority: "urgent",
    tags: ["hadoop"],
    requesterId: "import:hadoop",
    status: "pending",
    externalId: "gitbugs_tracker_tickets:hadoop-13404344",
    createdAt: "2021-09-30T17:20:00.000Z",
  });
  assert.deepEqual(changes, ["subject_whitespace_folded"]);
});

Deno.test("gitbugs - maps SeaMonkey statuses, an unset priority and an empty body", () => {
  const { request } = gitbugsMapping().map(seamonkey, 0, limits);
  assert.equal(request.status, "closed");
  assert.equal(request.priority, "normal");
  assert.equal(request.body, "(no description)");
  assert.equal(request.requesterId, "import:seamonkey");
  assert.equal(request.createdAt, "2020-01-02T17:14:21.000Z");
});

Deno.test("gitbugs - every status in the README has a mapping", () => {
  const expected: Record<string, string> = {
    Resolved: "solved",
    Open: "open",
    "In Progress": "open",
    Reopened: "open",
    RESOLVED: "solved",
    UNCONFIRMED: "new",
    NEW: "new",
    ASSIGNED: "open",
    REOPENED: "open",
  };
  for (const [status, to] of Object.entries(expected)) {
    const mapped = gitbugsMapping().map({ ...hadoop, status }, 0, limits);
    assert.equal(mapped.request.status, to, status);
    assert.ok(!mapped.changes.includes("status_unknown"));
  }
});

Deno.test("vscode - labels become tags without the leading *, closed stays closed", () => {
  const { request } = vscodeIssuesZhMapping().map(vscode, 0, limits);
  assert.deepEqual(request.tags, ["info-needed", "english-please"]);
  assert.equal(request.status, "closed");
  assert.equal(request.priority, "normal");
  assert.equal(request.externalId, "vscode_issues_zh:vscode-127281");
  assert.equal(request.requesterId, "import:vscode");
});

Deno.test("detectMapping - recognises the known data sets by their fields", () => {
  assert.equal(detectMapping(hadoop)?.dataset, "gitbugs_tracker_tickets");
  assert.equal(detectMapping(vscode)?.dataset, "vscode_issues_zh");
  assert.equal(detectMapping({ id: 1, text: "x" }), undefined);
  assert.equal(
    detectMapping(vscode, undefined, "zh2")?.map(vscode, 0, limits).request.externalId,
    "zh2:vscode-127281",
  );
});
