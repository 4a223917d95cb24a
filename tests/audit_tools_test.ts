/**
 * The audit commands on bad arguments, as subprocesses on a real nats-server, PostgreSQL and
 * s3rver: each prints one line saying what is wrong (and, for a usage error, the usage line),
 * never a stack trace, and exits 2 for a usage error or 1 for a refusal; a restore that matches
 * no archived segment says "nothing to restore".
 */
import { equal, match, ok } from "node:assert/strict";
import {
  type ArchiveTestBed,
  runAuditTool,
  withArchiveTestBed,
} from "../services/audit/archive/testing.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

/** The tool's result with stderr as a terminal leaves it (a progress line ends in `\r`). */
async function run(bed: ArchiveTestBed | null, tool: string, ...args: string[]) {
  const result = await runAuditTool(bed, tool, ...args);
  return { ...result, stderr: result.stderr.replace(/^.*\r(?!\n)/gm, "").trim() };
}

/** Exits `code` with `message` as its one error line (a usage line may follow), no stack. */
function refused(result: Awaited<ReturnType<typeof run>>, code: number, message: RegExp) {
  const lines = result.stderr.split("\n");
  equal(result.code, code, result.stderr);
  match(lines[0], message);
  equal(lines.length, code === 2 ? 2 : 1, result.stderr);
  if (code === 2) match(lines[1], /^usage: deno task audit:/);
  ok(!/\n\s+at /.test(result.stderr), result.stderr);
}

Deno.test(
  "audit commands - bad flags and ranges are one usage line and exit 2, before connecting",
  options,
  async () => {
    refused(await run(null, "verify", "--bogus"), 2, /^audit:verify: .*'--bogus'/);
    refused(await run(null, "replay", "stray"), 2, /^audit:replay: .*'stray'/);
    refused(
      await run(null, "replay", "--from", "2026-02-30T00:00:00Z"),
      2,
      /^audit:replay: --from must be an ISO 8601 UTC time/,
    );
    refused(
      await run(null, "restore", "--tenant", "acme", "--from", "5", "--to", "2"),
      2,
      /^audit:restore: --from 5 is after --to 2/,
    );
    refused(await run(null, "restore", "--from", "1"), 2, /^audit:restore: --tenant is required/);
  },
);

Deno.test(
  "audit commands - a missing keys file, an unknown or taken schema, an empty restore each say so in one line",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({ TICKETD_AUDIT_ARCHIVE_ENTRIES: "4" });
      for (let i = 0; i < 4; i++) await bed.publishCommit("acme", String(100 + i));
      await audit.caughtUp();
      await audit.checkpointer.flush();
      await audit.archiver!.tick();
      await audit.stop();

      refused(
        await run(bed, "verify", "--keys", "/nonexistent"),
        1,
        /^audit:verify: cannot read the audit keys file \/nonexistent \(does not exist\): pass --keys/,
      );
      refused(await run(bed, "verify", "--schema", "nope"), 2, /no schema "nope" in the database/);
      refused(
        await run(bed, "replay", "--schema", "x;drop"),
        2,
        /^audit:replay: --schema: "x;drop" is not a fresh schema name/,
      );
      await bed.sql`create schema taken`;
      refused(
        await run(bed, "replay", "--schema", "taken"),
        2,
        /^audit:replay: --schema: schema "taken" already exists: choose a new name/,
      );
      refused(
        await run(bed, "restore", "--tenant", "acme", "--stream", "NOPE"),
        1,
        /^audit:restore: nothing to restore for tenant acme, stream NOPE: no archived segment/,
      );
      refused(
        await run(bed, "restore", "--tenant", "nobody"),
        1,
        /^audit:restore: nothing to restore for tenant nobody: /,
      );
      const restored = await run(bed, "restore", "--tenant", "acme");
      equal(restored.code, 0, restored.stderr);
      match(restored.stdout, /restored 0 entries \(4 already there\) from 1 segments/);
    }),
);
