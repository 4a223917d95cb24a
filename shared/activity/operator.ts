/**
 * The party of a fact recorded by a command-line tool (`deno task identity:admin`, `deno task
 * keys`): the operator who ran it, as `cli:<os user>` with role `admin`, no source address (the
 * tool is not reached over the network) and a fresh request id per run, so a run's facts group.
 * @module
 */
import { userInfo } from "node:os";
import type { Activity } from "../events/activity.ts";

/** The tenant of facts about installation-wide things (key-encryption keys), not one tenant's. */
export const INSTALLATION_TENANT = "system";

/** Actor and source of one run of a tool; `user` defaults to the OS account running it. */
export function operatorParty(user = osUser()): Pick<Activity, "actor" | "source"> {
  return {
    actor: { id: `cli:${user}`.slice(0, 128), role: "admin" },
    source: { ip: null, requestId: `cli-${crypto.randomUUID()}` },
  };
}

function osUser(): string {
  try {
    return userInfo().username || "unknown";
  } catch {
    return Deno.env.get("USER") || "unknown"; // no passwd entry (a container's numeric uid)
  }
}
