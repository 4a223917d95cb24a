/**
 * For tests: every fact in the ACTIVITY stream, oldest first, read by sequence.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import { type Activity, ACTIVITY_STREAM, decodeActivity } from "../events/activity.ts";

/** The facts recorded so far; `action` keeps only those with that action. */
export async function recordedActivity(
  jsm: JetStreamManager,
  action?: string,
): Promise<Activity[]> {
  const { state } = await jsm.streams.info(ACTIVITY_STREAM);
  const facts: Activity[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(ACTIVITY_STREAM, { seq });
    if (message) facts.push(decodeActivity(message.data));
  }
  return action ? facts.filter((f) => f.action === action) : facts;
}
