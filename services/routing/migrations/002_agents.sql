-- Agent profiles for assignment: skills, languages, groups and capacity per agent of a tenant.
-- The agent id is the identity user id. Presence is not here: it lives in NATS KV.

create table routing_agents (
  tenant text not null,
  agent_id text not null check (agent_id ~ '^[A-Za-z0-9_-]{1,128}$'),
  display_name text not null,
  -- lower case
  skills text[] not null default '{}',
  -- BCP 47 tags in canonical case
  languages text[] not null default '{}',
  groups text[] not null default '{}',
  capacity integer not null check (capacity >= 1),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant, agent_id)
);
