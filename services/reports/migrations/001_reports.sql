-- Reports: aggregates folded from the TICKETS and ROUTING streams, never read from live tables.
-- Counters per tenant, 15-minute UTC slot, agent and group ('' = none). Every zone's offset is a
-- whole number of quarter hours, so a slot lies inside one local day in any zone: the tenant's
-- days, weeks and months are summed from slots at query time, DST-correct.
create table report_slots (
  tenant text not null,
  slot timestamptz not null,
  agent_id text not null,
  group_id text not null,
  created integer not null default 0,
  solved integer not null default 0,
  reopened integer not null default 0,
  -- +1 when a ticket becomes open (new, open, pending, on_hold) here, -1 when it stops: the
  -- backlog at the end of a day is the sum of every delta up to it
  backlog_delta integer not null default 0,
  first_response_count integer not null default 0,
  first_response_seconds bigint not null default 0,
  resolution_count integer not null default 0,
  resolution_seconds bigint not null default 0,
  sla_attained integer not null default 0,
  sla_breached integer not null default 0,
  csat_count integer not null default 0,
  csat_sum integer not null default 0,
  csat_good integer not null default 0,
  time_tracked_seconds bigint not null default 0,
  primary key (tenant, slot, agent_id, group_id)
);

-- Histogram of durations: how many first responses / resolutions took at most bound `le` seconds.
create table report_durations (
  tenant text not null,
  slot timestamptz not null,
  agent_id text not null,
  group_id text not null,
  metric text not null check (metric in ('first_response', 'resolution')),
  le integer not null,
  count integer not null,
  primary key (tenant, slot, agent_id, group_id, metric, le)
);

-- What the fold needs to know of each ticket (no text): its dims, open or not, targets' ends.
create table report_tickets (
  tenant text not null,
  ticket_id text not null,
  state jsonb not null,
  primary key (tenant, ticket_id)
);

-- The last stream sequence folded, per source stream, written in the same transaction as the rows.
create table report_positions (
  stream text primary key,
  seq bigint not null
);
