/**
 * The ACTIVITY stream: file storage, limits retention with a maximum age (0 = forever), every
 * message kept (no per-subject cap), direct gets for the audit service's reads.
 * @module
 */
import {
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { ACTIVITY_STREAM, ALL_ACTIVITY_SUBJECT } from "../events/activity.ts";
import type { ActivitySettings } from "./settings.ts";

const NS_PER_MS = 1_000_000;
const MS_PER_DAY = 86_400_000;

/** Creates the stream, or brings an existing one to `settings`. */
export async function ensureActivityStream(
  jsm: JetStreamManager,
  settings: Pick<ActivitySettings, "maxAgeDays" | "duplicateWindowSeconds">,
): Promise<void> {
  const config = {
    name: ACTIVITY_STREAM,
    subjects: [ALL_ACTIVITY_SUBJECT],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: settings.maxAgeDays * MS_PER_DAY * NS_PER_MS, // 0 = no age limit
    duplicate_window: settings.duplicateWindowSeconds * 1000 * NS_PER_MS,
    allow_direct: true,
    max_msgs_per_subject: -1,
  };
  try {
    await jsm.streams.info(ACTIVITY_STREAM);
    await jsm.streams.update(ACTIVITY_STREAM, config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error;
    await jsm.streams.add(config);
  }
}
