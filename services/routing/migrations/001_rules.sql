-- Routing rules per tenant: the set (its version bumps on every change), the rules in order,
-- and every version of every rule as it was written (deletions included).
create table routing_rule_sets (
  tenant text primary key,
  version bigint not null default 0,
  updated_at timestamptz not null default now()
);

create table routing_rules (
  tenant text not null references routing_rule_sets (tenant),
  id text not null,
  position integer not null,
  version integer not null,
  body jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant, id),
  -- Deferred, so a reorder may pass through duplicate positions inside its transaction.
  constraint routing_rules_position unique (tenant, position) deferrable initially deferred
);

create table routing_rule_history (
  tenant text not null,
  rule_id text not null,
  version integer not null,
  change text not null check (change in ('created', 'updated', 'deleted')),
  body jsonb not null,
  set_version bigint not null,
  actor_id text not null,
  changed_at timestamptz not null default now(),
  primary key (tenant, rule_id, version)
);
