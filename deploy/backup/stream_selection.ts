/**
 * Which streams a backup saves, and in which order. Pure.
 * @module
 */

/**
 * KV buckets that hold only live state, rebuilt by the running services: leases (the projector's
 * and feeds' leader), leased worker ids, agent presence. Restoring them would bring back owners
 * that no longer run.
 */
export const LIVE_ONLY_STREAMS = ["KV_leases", "KV_worker-ids", "KV_agent-presence"] as const;

/**
 * The streams to save, event streams first and KV buckets after them: a bucket saved later holds
 * at least what the streams saved before it used (the ticket-number blocks of every ticket in
 * TICKETS, the external-id claims of its imported tickets), so numbers never repeat after a
 * restore.
 */
export function streamsToBackUp(names: string[]): { save: string[]; skip: string[] } {
  const skip = names.filter((name) => (LIVE_ONLY_STREAMS as readonly string[]).includes(name));
  const kept = names.filter((name) => !skip.includes(name)).sort();
  const isBucket = (name: string) => name.startsWith("KV_");
  return {
    save: [...kept.filter((name) => !isBucket(name)), ...kept.filter(isBucket)],
    skip: skip.sort(),
  };
}
