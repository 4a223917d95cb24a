-- Webhook subscriptions per tenant, the outbox of deliveries (one row per subscription and
-- event, which is the de-duplication), and where the feed is in each source stream.
create table webhook_subscriptions (
  id bigint primary key, -- a snowflake, a string in the API
  tenant text not null,
  url text not null,
  description text not null default '',
  event_types text[] not null,
  enabled boolean not null default true,
  -- KEK-wrapped (secret_seal.ts), never the secret itself.
  secret_sealed text not null,
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_subscriptions_tenant on webhook_subscriptions (tenant, id);

create table webhook_deliveries (
  id bigint primary key, -- a snowflake, a string in the API
  subscription_id bigint not null references webhook_subscriptions (id) on delete cascade,
  tenant text not null,
  event_id text not null,
  event_type text not null,
  -- The exact body posted on every attempt: ids and field names, never ticket text.
  payload text not null,
  status text not null default 'pending'
    check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  -- Set when queued and when an admin redelivers: the age limit counts from here.
  queued_at timestamptz not null default now(),
  next_attempt_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  last_duration_ms integer,
  created_at timestamptz not null default now(),
  constraint webhook_deliveries_once unique (subscription_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at)
  where status = 'pending';
create index webhook_deliveries_log on webhook_deliveries (subscription_id, id);

create table webhook_feed_positions (
  stream text primary key,
  seq bigint not null
);
