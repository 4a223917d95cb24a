/**
 * When a chain's unarchived entries are sealed into a segment: as soon as a full segment's worth
 * is waiting (size trigger), or when some have waited longer than the segment age allows (time
 * trigger). Pure: the archiver measures, this decides.
 * @module
 */

export interface SealPolicy {
  /** A segment holds at most this many entries; this many waiting seal one at once. */
  entriesPerSegment: number;
  /** Entries waiting this long are sealed however few. */
  maxAgeMs: number;
}

/** One chain's unarchived run: positions `fromN..toN`, waiting since `since` (epoch ms). */
export interface PendingRun {
  fromN: number;
  toN: number;
  since: number;
}

/** The positions of the next segment to seal, or null when none is due at `now`. */
export function sealDue(
  run: PendingRun,
  policy: SealPolicy,
  now: number,
): { fromN: number; toN: number } | null {
  const waiting = run.toN - run.fromN + 1;
  if (waiting <= 0) return null;
  if (waiting >= policy.entriesPerSegment) {
    return { fromN: run.fromN, toN: run.fromN + policy.entriesPerSegment - 1 };
  }
  if (now - run.since >= policy.maxAgeMs) return { fromN: run.fromN, toN: run.toN };
  return null;
}
