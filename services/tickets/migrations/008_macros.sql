-- Macros and canned replies: the tenant's (owner_id null, kept by admins) and each agent's own.
-- The text is ticket content: sealed with envelope encryption like a ticket body, never plain.
create table macros (
  tenant text not null,
  id bigint not null,
  owner_id text,
  name text not null,
  body_sealed text,
  internal boolean not null default false,
  status text,
  custom_status_id bigint,
  priority text,
  tags_add text[] not null default '{}',
  tags_remove text[] not null default '{}',
  assignment jsonb,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant, id)
);
create index macros_by_owner on macros (tenant, owner_id, id);
