-- The audit log: one row per source message, hash-chained per (tenant, stream), append-only.
create table audit_entries (
  tenant text not null,
  stream text not null,
  n bigint not null,
  seq bigint not null,
  at timestamptz not null,
  actor_id text not null,
  actor_role text not null,
  action text not null,
  target_type text not null,
  target_id text not null,
  -- canonical JSON of the entry: exactly the bytes hashed
  entry text not null,
  alg text not null,
  prev_hash text not null,
  hash text not null,
  primary key (tenant, stream, n)
);
-- one entry per source message; also the keyset order of a chain by source sequence
create unique index audit_entries_source on audit_entries (stream, seq);
create index audit_entries_time on audit_entries (tenant, at, stream, seq);
create index audit_entries_actor on audit_entries (tenant, actor_id, at, stream, seq);
create index audit_entries_target on audit_entries (tenant, target_type, target_id, at, stream, seq);
create index audit_entries_action on audit_entries (tenant, action, at, stream, seq);

create table audit_chain_heads (
  tenant text not null,
  stream text not null,
  n bigint not null,
  seq bigint not null,
  hash text not null,
  primary key (tenant, stream)
);

-- the last source sequence written, per stream: a redelivery at or below it is skipped
create table audit_positions (
  stream text primary key,
  seq bigint not null
);

create table audit_checkpoints (
  id bigserial primary key,
  tenant text not null,
  at timestamptz not null,
  -- canonical JSON {tenant, at, heads: {stream: {seq, hash}}}: exactly the bytes signed
  statement text not null,
  alg text not null,
  kid text not null,
  signature text not null
);
create index audit_checkpoints_tenant on audit_checkpoints (tenant, id);

create function audit_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only (% on %)', tg_op, tg_table_name
    using errcode = 'insufficient_privilege';
end $$;

create trigger audit_entries_append_only before update or delete on audit_entries
  for each row execute function audit_refuse_change();
create trigger audit_entries_no_truncate before truncate on audit_entries
  for each statement execute function audit_refuse_change();
create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
  for each row execute function audit_refuse_change();
create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
  for each statement execute function audit_refuse_change();
