-- SLA: one business calendar and a target per priority for each tenant.
create table routing_sla_calendars (
  tenant text primary key,
  time_zone text not null,
  -- "24x7" or {"mon": ["09:00-17:00"], ...}
  hours jsonb not null,
  -- [{"date": "2026-12-24", "from": "12:00"}, ...]
  holidays jsonb not null default '[]',
  updated_at timestamptz not null default now()
);

create table routing_sla_policies (
  tenant text not null,
  priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
  first_response_minutes integer not null check (first_response_minutes > 0),
  resolution_minutes integer not null check (resolution_minutes > 0),
  warn_at_percent integer not null check (warn_at_percent between 1 and 99),
  updated_at timestamptz not null default now(),
  primary key (tenant, priority)
);
