/**
 * The Compose stack, checked without a Docker engine: `docker-compose config` (Debian's
 * docker-compose, which CI installs) must accept compose.yaml with every profile, and
 * deploy/check_compose.ts must find nothing in it and each planted mistake in a bad fixture.
 * The tests that need the binary are skipped only when it is not installed.
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// Pinned here until deno.json (other work in progress there) can take it as "yaml".
// deno-lint-ignore no-import-prefix
import { parse } from "npm:yaml@2.9.1";
import {
  checkCompose,
  type ComposeConfig,
  composeConfig,
  type ComposeRule,
  readMountedFile,
} from "../deploy/check_compose.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STACK = join(ROOT, "compose.yaml");
const BAD = join(ROOT, "deploy/testdata/bad_compose.yaml");
const noDockerCompose = !onPath("docker-compose");

/** What each service of the bad fixture gets wrong. */
const PLANTED: Record<string, ComposeRule> = {
  "no-healthcheck": "missing_healthcheck",
  "not-labelled-one-shot": "missing_restart",
  "no-limits": "missing_limits",
  "no-tls-files": "missing_tls",
  "nats-plain": "missing_tls",
  "postgres-unverified": "missing_tls",
  "nats-without-tls-config": "missing_tls",
  "password-in-env": "plaintext_secret",
  "password-in-url": "plaintext_secret",
  "token-in-nats-url": "plaintext_secret",
  "image-latest": "unpinned_image",
  "image-line": "unpinned_image",
  "image-untagged": "unpinned_image",
  "curl-k": "insecure_flag",
  "node-tls-off": "insecure_flag",
  "deno-unsafe": "insecure_flag",
  "s3-insecure": "insecure_flag",
  "tls-verify-false": "insecure_flag",
  "ticketd-plain-http": "missing_tls",
  "jwks-over-http": "plaintext_upstream",
  "edge-plain-upstream": "plaintext_upstream",
};

Deno.test({
  name: "compose.yaml - docker-compose accepts it with the cluster profile and no rule fails",
  ignore: noDockerCompose,
  async fn() {
    for (const profiles of [[], ["cluster"]]) {
      const findings = checkCompose(await composeConfig(STACK, profiles), readMountedFile);
      assert.deepEqual(findings, [], `profiles ${profiles}`);
    }
  },
});

Deno.test({
  name: "compose.yaml - every Ticketd service, NATS, PostgreSQL, MinIO, the edge and 3 nodes",
  ignore: noDockerCompose,
  async fn() {
    const { services } = await composeConfig(STACK, ["cluster"]);
    for (
      const name of [
        "tickets",
        "identity",
        "routing",
        "sessions",
        "attachments",
        "audit",
        "email",
        "gateway",
      ]
    ) {
      assert.deepEqual(services[name]?.command, [name], name);
    }
    for (const name of ["nats", "postgres", "minio", "edge", "certs", "nats-1", "nats-2"]) {
      assert.ok(services[name], name);
    }
    assert.match(services["nats-3"].image!, /^nats:2\.(1[1-9]|10\.(2[3-9]|[3-9]\d))/);
  },
});

Deno.test({
  name: "check_compose - each planted mistake is found by its own rule (docker-compose config)",
  ignore: noDockerCompose,
  async fn() {
    assertPlantedFound(await composeConfig(BAD));
  },
});

Deno.test("check_compose - each planted mistake is found by its own rule (the YAML as written)", async () => {
  assertPlantedFound(parse(await Deno.readTextFile(BAD), { merge: true }) as ComposeConfig);
});

Deno.test("check_compose - an edge config without tls, with a plain upstream or an insecure option is caught", () => {
  const edge = {
    image: "caddy:2.8.4-alpine",
    healthcheck: { test: ["CMD", "true"] },
    restart: "always",
    mem_limit: "64m",
    volumes: ["tls:/tls:ro", "/cfg/Caddyfile:/etc/caddy/Caddyfile:ro"],
  };
  const check = (caddyfile: string) =>
    checkCompose({ services: { edge } }, () => caddyfile).map((f) => f.rule);
  assert.deepEqual(check("https://x {\n\ttls /tls/edge.crt /tls/edge.key\n}"), []);
  assert.deepEqual(check("http://x {\n\treverse_proxy a:1\n}"), [
    "missing_tls",
    "plaintext_upstream",
  ]);
  assert.deepEqual(check("https://x {\n\ttls a b\n\ttls_insecure_skip_verify\n}"), [
    "insecure_flag",
  ]);
});

Deno.test({
  name:
    "compose.yaml - each Ticketd service serves its own certificate and checks its health over HTTPS",
  ignore: noDockerCompose,
  async fn() {
    const { services } = await composeConfig(STACK);
    for (const [name, service] of Object.entries(services)) {
      if (!/^ticketd:/.test(service.image ?? "")) continue;
      const env = service.environment as Record<string, string>;
      assert.equal(env.TICKETD_TLS_CERT_FILE, `/tls/${name}.crt`, name);
      assert.equal(env.TICKETD_TLS_CA_FILE, "/tls/ca.crt", name);
      if (name === "email") continue; // SMTP (STARTTLS) only: its check is a TCP connect
      assert.match(String(service.healthcheck?.test), new RegExp(`https://${name}:\\d+/healthz`));
    }
    const caddyfile = await Deno.readTextFile(join(ROOT, "deploy/edge/Caddyfile"));
    assert.match(caddyfile, /tls_trust_pool file \/tls\/ca\.crt/);
    assert.match(caddyfile, /import upstream gateway:8088/);
  },
});

function assertPlantedFound(config: ComposeConfig): void {
  const findings = checkCompose(config, (path) => readMountedFile(resolveIn(BAD, path)));
  const found: Record<string, ComposeRule[]> = {};
  for (const f of findings) (found[f.service] ??= []).push(f.rule);
  const expected = Object.fromEntries(Object.entries(PLANTED).map(([s, rule]) => [s, [rule]]));
  assert.deepEqual(found, expected);
}

/** A bind mount's source as written (`./x`) is relative to the compose file's folder. */
function resolveIn(composeFile: string, path: string): string {
  return path.startsWith("/") ? path : join(dirname(composeFile), path);
}

function onPath(binary: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(join(dir, binary)).isFile;
    } catch {
      return false;
    }
  });
}
