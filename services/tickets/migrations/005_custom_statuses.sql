-- Custom statuses: each tenant's own names, each within one built-in category (the column
-- `tickets.status` keeps the category, so everything reading it works unchanged). Ids are never
-- reused: a retired status keeps its row, so tickets and history holding it still name it.
create table custom_statuses (
  tenant text not null,
  id bigint not null,
  category text not null,
  names jsonb not null,
  retired_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant, id)
);
-- One live status per English name and tenant (case-insensitive); retired ones free their name.
create unique index custom_statuses_live_name on custom_statuses (tenant, lower(names ->> 'en'))
  where retired_at is null;

alter table tickets add column custom_status_id bigint;
-- The custom-status queue: partial, so tickets without one (most) cost it nothing.
create index tickets_by_custom_status on tickets (tenant, custom_status_id, created_at desc, id desc)
  where custom_status_id is not null;
