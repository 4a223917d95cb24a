/**
 * A plugin folder's `manifest.json`: its name, entry module, the Deno permissions it needs,
 * its turn time limit and the settings it reads. Parsing and path checks only; turning a
 * manifest into worker permissions and config is `plugin_permissions.ts`.
 * @module
 */
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";

const SETTING = /^[a-z][a-zA-Z0-9]{0,31}$/;
/** `host`, `host:port`, or `setting:<name>`: the host and port of the URL in that setting. */
const NET =
  /^(setting:[a-z][a-zA-Z0-9]{0,31}|[a-z0-9.-]+(:[0-9]{1,5})?|\[[0-9a-f:]+\](:[0-9]{1,5})?)$/i;

const relativePath = z.string().min(1).max(200).refine(staysInside, "must stay inside the folder");

export const manifestSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be 1-32 of a-z 0-9 _ -"),
  entry: relativePath,
  permissions: z.strictObject({
    net: z.array(z.string().regex(NET, "must be host, host:port or setting:<name>")).max(20)
      .optional(),
    read: z.array(relativePath).max(20).optional(),
    env: z.array(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/)).max(20).optional(),
  }).default({}),
  timeoutMs: z.int().min(1).max(600_000).optional(),
  settings: z.array(z.string().regex(SETTING, "must be a camelCase name")).max(20).default([]),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** Reads and checks `<dir>/manifest.json`; throws `bot_manifest_invalid` naming the problem. */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = `${dir.replace(/\/$/, "")}/manifest.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    fail("bot_manifest_invalid", `Cannot read ${path}: ${(error as Error).message}`);
  }
  return parseManifest(raw, path);
}

/** Checks a parsed manifest (`where` names it in errors). */
export function parseManifest(raw: unknown, where: string): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail("bot_manifest_invalid", `${where}: ${issue.path.join(".") || "(root)"} ${issue.message}`);
  }
  const undeclared = (parsed.data.permissions.net ?? [])
    .filter((net) => net.startsWith("setting:"))
    .find((net) => !parsed.data.settings.includes(net.slice("setting:".length)));
  if (undeclared !== undefined) {
    fail("bot_manifest_invalid", `${where}: permissions.net "${undeclared}" is not a setting`);
  }
  return parsed.data;
}

/** A relative path that cannot climb out of the plugin folder. */
function staysInside(path: string): boolean {
  if (path.startsWith("/") || path.includes("\\") || path.includes("\0")) return false;
  return path.split("/").every((part) => part !== ".." && part !== "");
}
