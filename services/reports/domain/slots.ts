/**
 * Where a fact is counted: a tenant, a 15-minute UTC slot, an agent and a group ('' = none).
 * Every time zone's offset is a whole number of quarter hours, so a slot never straddles a local
 * midnight: local days, weeks and months are sums of slots, whatever the zone and its DST.
 * @module
 */

export const SLOT_MS = 15 * 60_000;

/** Start of the slot holding `epochMs`. */
export function slotOf(epochMs: number): number {
  return Math.floor(epochMs / SLOT_MS) * SLOT_MS;
}

/** A slot and the dims a fact is counted under. */
export interface SlotKey {
  tenant: string;
  slot: number;
  agentId: string;
  groupId: string;
}

/** The counters of a slot row (`report_slots`), all additive. */
export const COUNTERS = [
  "created",
  "solved",
  "reopened",
  "backlogDelta",
  "firstResponseCount",
  "firstResponseSeconds",
  "resolutionCount",
  "resolutionSeconds",
  "slaAttained",
  "slaBreached",
  "csatCount",
  "csatSum",
  "csatGood",
  "timeTrackedSeconds",
] as const;
export type Counter = (typeof COUNTERS)[number];

export type DurationMetric = "first_response" | "resolution";

/**
 * Upper bounds (seconds) of the duration histogram, from 5 minutes to 30 days; the last bucket
 * holds anything longer. Percentiles are read as the bound of the bucket they fall in.
 */
export const DURATION_BOUNDS = [
  300,
  900,
  1_800,
  3_600,
  7_200,
  14_400,
  28_800,
  86_400,
  172_800,
  345_600,
  604_800,
  1_209_600,
  2_592_000,
] as const;
/** The bucket past the last bound. */
export const OVER_LAST_BOUND = 2_147_483_647;

/** The histogram bound `seconds` is counted under. */
export function durationBound(seconds: number): number {
  return DURATION_BOUNDS.find((bound) => seconds <= bound) ?? OVER_LAST_BOUND;
}
