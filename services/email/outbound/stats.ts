/**
 * Counters of one outbound process, for logs and a metrics endpoint: mails queued, sent, retried,
 * dead-lettered, and deliveries skipped because the record said they were done.
 * @module
 */

export interface OutboundStats {
  queued: number;
  sent: number;
  retried: number;
  dead: number;
  skipped: number;
}

export function emptyStats(): OutboundStats {
  return { queued: 0, sent: 0, retried: 0, dead: 0, skipped: 0 };
}
