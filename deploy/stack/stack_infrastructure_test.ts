import assert from "node:assert/strict";
import { openStackInfrastructure } from "./stack_infrastructure.ts";
import { processWith } from "../../tests/support/processes.ts";

// Given servers for PostgreSQL and S3 (never reached here): only the private nats-server starts.
const GIVEN = {
  DATABASE_URL: "postgres://unused@127.0.0.1:1/unused",
  TICKETD_S3_ENDPOINT: "https://127.0.0.1:1",
};

Deno.test({
  name: "stack infrastructure - the private nats-server dying is reported at once, naming its log",
  sanitizeResources: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "stack_infra_" });
    try {
      const infra = await openStackInfrastructure(GIVEN, dataDir);
      try {
        const { mode } = await Deno.stat(`${dataDir}/nats-server.log`);
        assert.equal(mode! & 0o777, 0o600, "the server's log is the owner's only");
        const pid = await processWith(`${dataDir}/nats`);
        const before = Date.now();
        Deno.kill(pid, "SIGKILL");
        const why = await infra.died;
        assert.match(why, /nats-server exited/);
        assert.match(why, /nats-server\.log/);
        assert.ok(Date.now() - before < 5_000, `noticed after ${Date.now() - before} ms`);
      } finally {
        await infra.stop();
      }
    } finally {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "stack infrastructure - an orderly stop is not reported as the server dying",
  sanitizeResources: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "stack_infra_" });
    try {
      const infra = await openStackInfrastructure(GIVEN, dataDir);
      await infra.stop();
      const reported = await Promise.race([
        infra.died,
        new Promise((resolve) => setTimeout(() => resolve(null), 500)),
      ]);
      assert.equal(reported, null);
    } finally {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
