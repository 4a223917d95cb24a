-- The tickets read model. Subjects and bodies are sealed (never plaintext); search runs on keyed
-- hashes of tokens. Rebuilt from the TICKETS stream by `deno task replay`.
create table tickets (
  tenant text not null,
  id bigint not null,
  number integer not null,
  status text not null,
  priority text not null,
  priority_rank smallint not null,
  requester_id text not null,
  assignee_id text,
  group_id text,
  tags text[] not null default '{}',
  subject_sealed text not null,
  custom_fields jsonb not null default '{}',
  follow_up_of bigint,
  external_id text,
  message_count integer not null default 0,
  search_tokens bigint[] not null default '{}',
  note_tokens bigint[] not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version bigint not null,
  primary key (tenant, id)
);
create index tickets_by_created on tickets (tenant, created_at desc, id desc);
create index tickets_by_updated on tickets (tenant, updated_at desc, id desc);
create index tickets_by_status on tickets (tenant, status, created_at desc, id desc);
create index tickets_by_priority on tickets (tenant, priority_rank, created_at desc, id desc);
create index tickets_by_assignee on tickets (tenant, assignee_id, created_at desc, id desc);
create index tickets_by_group on tickets (tenant, group_id, created_at desc, id desc);
create index tickets_by_requester on tickets (tenant, requester_id, created_at desc, id desc);
create index tickets_by_tag on tickets using gin (tags);
create index tickets_by_search_token on tickets using gin (search_tokens);
create index tickets_by_note_token on tickets using gin (note_tokens);
create index tickets_by_number on tickets (tenant, number);

create table ticket_messages (
  tenant text not null,
  ticket_id bigint not null,
  id bigint not null,
  author_id text not null,
  author_role text not null,
  internal boolean not null,
  body_sealed text not null,
  created_at timestamptz not null,
  version bigint not null,
  primary key (tenant, ticket_id, id)
);

create table projector_positions (
  name text primary key,
  position bigint not null,
  updated_at timestamptz not null
);
