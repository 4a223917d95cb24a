import assert from "node:assert/strict";
import { join } from "node:path";
import { readStackEnv, writeStackEnv } from "./stack_env.ts";

Deno.test("stack.env - mode 0600, the servers' settings read back as written, other settings left out", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeStackEnv(dir, {
      NATS_URL: "tls://0123abcd@127.0.0.1:4333",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5444/postgres?sslmode=verify-full&x='y'",
      TICKETD_TLS_CA_FILE: "tls/ca.crt",
      TICKETD_S3_SECRET_KEY: "not for tools",
    });
    assert.equal(path, join(dir, "stack.env"));
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const settings = await readStackEnv(dir);
    assert.deepEqual(Object.keys(settings), ["NATS_URL", "DATABASE_URL", "TICKETD_TLS_CA_FILE"]);
    assert.equal(settings.NATS_URL, "tls://0123abcd@127.0.0.1:4333");
    assert.equal(settings.DATABASE_URL.endsWith("&x='y'"), true);
    assert.equal(settings.TICKETD_TLS_CA_FILE, join(Deno.cwd(), "tls/ca.crt"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stack.env - sh reads it as the same settings", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const env = { NATS_URL: "nats://t@h:1", DATABASE_URL: "postgres://u@h/d?a='b'&c=d" };
    await writeStackEnv(dir, env);
    const out = await new Deno.Command("sh", {
      args: ["-c", `. "${dir}/stack.env"; printf '%s\\n%s' "$NATS_URL" "$DATABASE_URL"`],
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout), `${env.NATS_URL}\n${env.DATABASE_URL}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
