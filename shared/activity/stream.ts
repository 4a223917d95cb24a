/**
 * The ACTIVITY stream: file storage, limits retention with a maximum age (0 = forever), every
 * message kept (no per-subject cap), direct gets for the audit service's reads.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import { ensureStream } from "../eventstore/jetstream.ts";
import { ACTIVITY_STREAM, ALL_ACTIVITY_SUBJECT } from "../events/activity.ts";
import type { ActivitySettings } from "./settings.ts";

const MS_PER_DAY = 86_400_000;

/** Creates the stream, or brings an existing one to `settings`. */
export function ensureActivityStream(
  jsm: JetStreamManager,
  settings: Pick<ActivitySettings, "maxAgeDays" | "duplicateWindowSeconds">,
): Promise<void> {
  return ensureStream(jsm, {
    name: ACTIVITY_STREAM,
    subjects: [ALL_ACTIVITY_SUBJECT],
    duplicateWindowMs: settings.duplicateWindowSeconds * 1000,
    maxAgeMs: settings.maxAgeDays * MS_PER_DAY,
  });
}
