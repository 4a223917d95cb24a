-- Due deliveries are taken a few per endpoint (a lateral join per subscription), so a dead
-- endpoint's backlog is never scanned in full.
create index webhook_deliveries_pending on webhook_deliveries (subscription_id, next_attempt_at, id)
  where status = 'pending';
-- The retention sweep finds finished deliveries by age.
create index webhook_deliveries_finished on webhook_deliveries (created_at)
  where status <> 'pending';
