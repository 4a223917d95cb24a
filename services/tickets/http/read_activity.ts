/**
 * Staff reads of ticket content become ACTIVITY facts before the content leaves (fail closed: an
 * unrecorded read is answered 503 `activity_unavailable`). Customers reading their own tickets
 * are not audited reads.
 * @module
 */
import type { Context } from "hono";
import type { Activity } from "@ticketd/shared/events/activity.ts";
import type { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { requestParty } from "@ticketd/shared/activity/request_source.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";

export interface ReadActivityDeps {
  activity: ActivityRecorder;
  /** How the client address is derived: the rate limits' own setting. */
  address: AddressOptions;
}

/** Records that the caller read `target`, unless the caller is a customer. */
export async function recordStaffRead(
  c: Context,
  deps: ReadActivityDeps,
  action: string,
  target: Activity["target"],
  changes?: Activity["changes"],
): Promise<void> {
  const party = requestParty(c, deps.address);
  if (party.actor.role === "customer") return;
  await deps.activity.record({ ...party, action, target, outcome: "ok", changes });
}
