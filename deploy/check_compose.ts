/**
 * A static check of a Compose stack, for CI on machines without a Docker engine: every service
 * has a healthcheck, a restart policy, resource limits, TLS settings (a Ticketd service its own
 * certificate) and a pinned image; no plaintext secret, certificate-check-disabling flag or
 * plain-HTTP upstream (a service URL in the environment, a `reverse_proxy` of the edge) anywhere. Reads the output of
 * `docker-compose config` (anchors, merges and variables resolved) or the YAML itself.
 *
 *   deno run -A deploy/check_compose.ts [compose.yaml]    exit 1 and one line per finding
 * @module
 */
// Pinned here until deno.json (other work in progress there) can take it as "yaml".
// deno-lint-ignore no-import-prefix
import { parse } from "npm:yaml@2.9.1";

/** What a finding is about; one code per rule. */
export type ComposeRule =
  | "missing_healthcheck"
  | "missing_restart"
  | "missing_limits"
  | "missing_tls"
  | "plaintext_secret"
  | "unpinned_image"
  | "insecure_flag"
  | "plaintext_upstream";

export interface ComposeFinding {
  service: string;
  rule: ComposeRule;
  detail: string;
}

/** The parts of a service the rules read (as `docker-compose config` prints them). */
export interface ComposeService {
  image?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  labels?: Record<string, string> | string[];
  mem_limit?: string | number;
  deploy?: { resources?: { limits?: { memory?: string | number } } };
  volumes?: (string | { source?: string; target?: string; type?: string })[];
}

export interface ComposeConfig {
  services: Record<string, ComposeService>;
}

/** Reads a mounted file (a bind mount's source) so its TLS and flags can be checked too. */
export type ReadMounted = (hostPath: string) => string | undefined;

const INSECURE = [
  /insecure/i,
  /skip[-_]?verify/i,
  /verify(_?peer)?\s*[=:]\s*(false|0|no)\b/i,
  /rejectUnauthorized\s*[=:]\s*false/i,
  /NODE_TLS_REJECT_UNAUTHORIZED=0/,
  /--no-check-certificate/,
  /--unsafely-ignore-certificate-errors/,
  /sslmode=(disable|allow|prefer|require)\b/,
  /(^|\s)-k(\s|$)/,
];
/** The label of a one-shot job (with `restart: "no"`), e.g. the stack's `certs` step. */
export const ONE_SHOT_LABEL = "ticketd.one-shot";
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL)/i;
const URL_PASSWORD = /[a-z]+:\/\/[^\s/@:]+:[^\s/@]+@/i;
const URL_TOKEN = /(nats|tls|wss?):\/\/[^\s/@:,]+@/i;
const PINNED_TAG = /\d+\.\d+\.\d+|^RELEASE\.\d{4}-\d{2}-\d{2}T/;
/** Images whose releases have two numbers (PostgreSQL since 10: 16.6 is a release, 16 a line). */
const TWO_PART_RELEASES = /^(postgres|library\/postgres):\d+\.\d+(-|$)/;

/** Every finding for `config`; empty means the stack passes. */
export function checkCompose(config: ComposeConfig, read: ReadMounted): ComposeFinding[] {
  return Object.entries(config.services ?? {}).flatMap(([name, service]) =>
    checkService(service, read).map(([rule, detail]) => ({ service: name, rule, detail }))
  );
}

function checkService(service: ComposeService, read: ReadMounted): [ComposeRule, string][] {
  const findings: [ComposeRule, string][] = [];
  // A one-shot job runs to completion: it has no health and is not restarted. It says so.
  const job = service.restart === "no" && labels(service)[ONE_SHOT_LABEL] === "true";
  if (!job && (!service.healthcheck?.test?.length || service.healthcheck.disable)) {
    findings.push(["missing_healthcheck", "no healthcheck test"]);
  }
  if (!job && !["always", "unless-stopped", "on-failure"].includes(service.restart ?? "")) {
    findings.push(["missing_restart", `restart is "${service.restart ?? ""}"`]);
  }
  if (!service.mem_limit && !service.deploy?.resources?.limits?.memory) {
    findings.push(["missing_limits", "no memory limit (deploy.resources.limits or mem_limit)"]);
  }
  const image = imageProblem(service.image);
  if (image) findings.push(["unpinned_image", image]);
  const env = environment(service);
  for (const problem of tlsProblems(service, env, read)) findings.push(["missing_tls", problem]);
  for (const problem of secretProblems(env)) findings.push(["plaintext_secret", problem]);
  for (const problem of plainUpstreams(service, env, read)) {
    findings.push(["plaintext_upstream", problem]);
  }
  for (const text of [...strings(service), ...mountedFiles(service, read).map((f) => f.text)]) {
    const flag = INSECURE.find((pattern) => pattern.test(text));
    if (flag) findings.push(["insecure_flag", `"${text.slice(0, 80)}" matches ${flag}`]);
  }
  return findings;
}

function imageProblem(image: string | undefined): string | undefined {
  if (!image) return "no image";
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (!tag || tag === "latest") return `${image} has no version tag`;
  if (!PINNED_TAG.test(tag) && !TWO_PART_RELEASES.test(image)) {
    return `${image}: the tag is not a full version`;
  }
  return undefined;
}

function tlsProblems(
  service: ComposeService,
  env: Record<string, string>,
  read: ReadMounted,
): string[] {
  const problems: string[] = [];
  if (!mounts(service).some((m) => m.target === "/tls" || m.target.startsWith("/tls/"))) {
    problems.push("nothing mounted at /tls (CA and certificates)");
  }
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith("NATS_URL") && value.split(",").some((url) => !url.startsWith("tls://"))) {
      problems.push(`${key} is not tls:// for every server`);
    }
    if (/^postgres(ql)?:\/\//.test(value) && !/[?&]sslmode=verify-full\b/.test(value)) {
      problems.push(`${key} does not verify the server (sslmode=verify-full)`);
    }
  }
  const command = [service.command ?? []].flat().join(" ");
  const image = service.image ?? "";
  if (/^ticketd:/.test(image) && (!env.TICKETD_TLS_CERT_FILE || !env.TICKETD_TLS_KEY_FILE)) {
    problems.push("a Ticketd service without TICKETD_TLS_CERT_FILE/KEY_FILE serves plain HTTP");
  }
  if (/^postgres:/.test(image) && !/\bssl=on\b/.test(command)) problems.push("postgres ssl=on");
  if (/^minio\//.test(image) && !command.includes("--certs-dir")) {
    problems.push("minio --certs-dir");
  }
  const configs = mountedFiles(service, read).filter((f) => /\.conf$|Caddyfile$/.test(f.target));
  if (/^(nats|caddy):/.test(image) && !configs.some((f) => /^\s*tls\b/m.test(f.text))) {
    problems.push("its mounted config has no tls settings");
  }
  return problems;
}

/** `http://` in a setting's value, and edge `reverse_proxy` targets that are not `https://`. */
function plainUpstreams(
  service: ComposeService,
  env: Record<string, string>,
  read: ReadMounted,
): string[] {
  const problems = Object.entries(env)
    .filter(([, value]) => /(^|[\s,])http:\/\//i.test(value))
    .map(([key]) => `${key} is plain http://`);
  const caddyfiles = mountedFiles(service, read).filter((f) => /Caddyfile$/.test(f.target));
  for (const { text } of caddyfiles) {
    for (const [, targets] of text.matchAll(/^\s*reverse_proxy\s+([^{\n]*)/gm)) {
      // Matchers (`/path*`, `@name`, `*`) come before the upstreams.
      for (const target of targets.trim().split(/\s+/).filter((t) => t && !/^[/@*]/.test(t))) {
        if (!target.startsWith("https://")) {
          problems.push(`reverse_proxy ${target} is not https://`);
        }
      }
    }
  }
  return problems;
}

function secretProblems(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => {
    if (value === "") return [];
    if (SECRET_NAME.test(key) && !key.endsWith("_FILE")) return [`${key} holds a value`];
    if (URL_PASSWORD.test(value) || URL_TOKEN.test(value)) return [`${key} has credentials`];
    if (value.includes("-----BEGIN")) return [`${key} holds a PEM block`];
    return [];
  });
}

function environment(service: ComposeService): Record<string, string> {
  return keyValues(service.environment);
}

function labels(service: ComposeService): Record<string, string> {
  return keyValues(service.labels);
}

/** Compose's two spellings of a map: `{ KEY: value }` or `["KEY=value"]`. */
function keyValues(
  map: Record<string, string | number | boolean | null> | string[] | undefined,
): Record<string, string> {
  if (Array.isArray(map)) {
    return Object.fromEntries(map.map((line) => {
      const at = line.indexOf("=");
      return at < 0 ? [line, ""] : [line.slice(0, at), line.slice(at + 1)];
    }));
  }
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([k, v]) => [k, v == null ? "" : String(v)]),
  );
}

/** Every string a flag could hide in: commands, healthcheck, `KEY=value` of the environment. */
function strings(service: ComposeService): string[] {
  const env = Object.entries(environment(service)).map(([k, v]) => `${k}=${v}`);
  return [service.command, service.entrypoint, service.healthcheck?.test, env]
    .flat()
    .filter((s): s is string => typeof s === "string");
}

function mounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== "string") {
      return { source: volume.source ?? "", target: volume.target ?? "" };
    }
    const [source, target = source] = volume.split(":");
    return { source, target };
  });
}

function mountedFiles(service: ComposeService, read: ReadMounted) {
  return mounts(service).flatMap(({ source, target }) => {
    const text = source.startsWith("/") || source.startsWith(".") ? read(source) : undefined;
    return text === undefined ? [] : [{ target, text }];
  });
}

/** `docker-compose config` of `file` with every profile's services, parsed. */
export async function composeConfig(file: string, profiles: string[] = []): Promise<ComposeConfig> {
  const args = [...profiles.flatMap((p) => ["--profile", p]), "-f", file, "config"];
  const output = await new Deno.Command("docker-compose", {
    args,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder();
  if (!output.success) {
    throw new Error(`docker-compose ${args.join(" ")} failed: ${text.decode(output.stderr)}`);
  }
  return parse(text.decode(output.stdout)) as ComposeConfig;
}

/** Reads a regular file, or nothing (a folder, a missing path). */
export function readMountedFile(path: string): string | undefined {
  try {
    return Deno.statSync(path).isFile ? Deno.readTextFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const file = Deno.args[0] ?? "compose.yaml";
  const findings = checkCompose(await composeConfig(file, ["cluster"]), readMountedFile);
  for (const f of findings) console.log(`${f.service}: ${f.rule}: ${f.detail}`);
  console.log(findings.length === 0 ? `${file}: ok` : `${file}: ${findings.length} findings`);
  Deno.exit(findings.length === 0 ? 0 : 1);
}
