import assert from "node:assert/strict";
import { importFile } from "./import_file.ts";

/** A fake tickets API: external ids claimed once, some refused, optionally slow. */
function fakeApi(
  options: { refuse?: string[]; delayMs?: number; onCall?: (n: number) => void } = {},
) {
  const claimed = new Map<string, string>();
  let calls = 0;
  let active = 0;
  let maxActive = 0;
  const fake = async (_input: string | URL | Request, init?: RequestInit) => {
    options.onCall?.(++calls);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
    active--;
    const request = JSON.parse(String(init!.body));
    if (options.refuse?.includes(request.externalId)) {
      return Response.json({ code: "invalid_request", detail: "subject: nope" }, { status: 422 });
    }
    const existing = claimed.get(request.externalId);
    if (existing) return Response.json({ id: existing, duplicate: true }, { status: 200 });
    claimed.set(request.externalId, String(claimed.size + 1));
    return Response.json({ id: String(claimed.size), version: claimed.size, duplicate: false }, {
      status: 201,
    });
  };
  return { fetch: fake as typeof fetch, claimed, stats: () => ({ calls, maxActive }) };
}

async function withFiles(rows: number, run: (file: string, dataDir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/vscode_issues_zh.jsonl`;
  const lines = Array.from({ length: rows }, (_, i) =>
    JSON.stringify({
      id: `vscode-${i + 1}`,
      title: `问题 ${i + 1}`,
      body: i % 3 === 0 ? "" : "正文",
      labels: ["*english-please"],
      state: "closed",
      created_at: "2021-06-28T01:49:59Z",
    }));
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  try {
    await run(file, `${dir}/data`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const target = { url: "http://fake", token: "t", tenant: "demo" };

Deno.test("importFile - a second run adds nothing: every row is already present", async () => {
  await withFiles(40, async (file, dataDir) => {
    const api = fakeApi();
    const first = await importFile({ ...target, file, dataDir, fetch: api.fetch });
    assert.equal(first.outcome, "completed");
    assert.deepEqual([first.total, first.created, first.present, first.rejected], [40, 40, 0, 0]);
    assert.equal(first.dataset, "vscode_issues_zh");
    assert.equal(first.maxVersion, 40);
    const second = await importFile({ ...target, file, dataDir, fetch: api.fetch });
    assert.deepEqual([second.skipped, second.created, second.present], [0, 0, 40]);
    assert.equal(api.claimed.size, 40);
  });
});

Deno.test("importFile - an interrupted run resumes after its checkpoint", async () => {
  await withFiles(100, async (file, dataDir) => {
    const stop = new AbortController();
    const api = fakeApi({ onCall: (n) => n === 30 && stop.abort() });
    const first = await importFile({
      ...target,
      file,
      dataDir,
      fetch: api.fetch,
      concurrency: 4,
      signal: stop.signal,
    });
    assert.equal(first.outcome, "interrupted");
    assert.ok(first.created >= 30 && first.created < 100);
    assert.equal(first.unfinished, 100 - first.created);
    const checkpoint = JSON.parse(await Deno.readTextFile(first.checkpointFile!));
    assert.equal(checkpoint.done, first.created);
    const second = await importFile({ ...target, file, dataDir, fetch: api.fetch });
    assert.equal(second.outcome, "completed");
    assert.equal(second.skipped, first.created);
    assert.equal(second.created, 100 - first.created);
    assert.equal(api.claimed.size, 100);
  });
});

Deno.test("importFile - refused rows go to the rejects file and the import goes on", async () => {
  await withFiles(10, async (file, dataDir) => {
    const api = fakeApi({ refuse: ["vscode_issues_zh:vscode-4"] });
    const summary = await importFile({ ...target, file, dataDir, fetch: api.fetch });
    assert.deepEqual([summary.created, summary.rejected], [9, 1]);
    assert.deepEqual(summary.rejectCodes, { invalid_request: 1 });
    const rejects = (await Deno.readTextFile(summary.rejectsFile!)).trim().split("\n");
    assert.deepEqual(JSON.parse(rejects[0]), {
      row: 4,
      line: 4,
      id: "vscode-4",
      status: 422,
      code: "invalid_request",
      detail: "subject: nope",
    });
  });
});

Deno.test("importFile - keeps at most `concurrency` requests in flight", async () => {
  await withFiles(30, async (file, dataDir) => {
    const api = fakeApi({ delayMs: 2 });
    await importFile({ ...target, file, dataDir, fetch: api.fetch, concurrency: 3 });
    assert.equal(api.stats().maxActive, 3);
  });
});

Deno.test("importFile - a dry run maps and validates, sends nothing, writes no checkpoint", async () => {
  await withFiles(12, async (file, dataDir) => {
    const api = fakeApi();
    const summary = await importFile({ file, dataDir, dryRun: true, limit: 5, fetch: api.fetch });
    assert.deepEqual([summary.total, summary.valid, summary.rejected], [5, 5, 0]);
    assert.equal(summary.changes.body_missing, 2);
    assert.equal(summary.samples.length, 3);
    assert.equal(api.stats().calls, 0);
    await assert.rejects(Deno.stat(`${dataDir}/import`), Deno.errors.NotFound);
  });
});

Deno.test("importFile - an unknown file without --map is refused with its fields named", async () => {
  const file = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(file, "title,text\nhello,world\n");
    await assert.rejects(importFile({ file, dryRun: true }), /not a known data set.*title, text/);
    const summary = await importFile({
      file,
      dryRun: true,
      map: { subject: "title", body: "text" },
    });
    assert.equal(summary.valid, 1);
  } finally {
    await Deno.remove(file);
  }
});
