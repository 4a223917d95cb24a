-- What the archiver sealed and uploaded: one row per segment of a chain (tenant, stream).
create table audit_archive_segments (
  tenant text not null,
  stream text not null,
  from_n bigint not null,
  to_n bigint not null,
  from_seq bigint not null,
  to_seq bigint not null,
  count integer not null,
  prev_hash text not null,
  last_hash text not null,
  digest_alg text not null,
  digest text not null,
  bytes bigint not null,
  data_key text not null,
  manifest_key text not null,
  created_at timestamptz not null,
  -- set once the uploaded objects were read back and matched: only then may hot rows go
  verified_at timestamptz,
  -- when retention removed the segment's entries from audit_entries
  pruned_at timestamptz,
  primary key (tenant, stream, from_n)
);
create index audit_archive_segments_prunable on audit_archive_segments (created_at)
  where pruned_at is null;

-- The entries stay append-only, with one exception: retention, inside a transaction that set
-- ticketd.audit_retention to 'on', may delete an entry lying in a verified, uploaded segment.
-- Every other UPDATE or DELETE is still refused.
create function audit_entries_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('ticketd.audit_retention', true) = 'on' and exists (
    select 1 from audit_archive_segments s
    where s.tenant = old.tenant and s.stream = old.stream
      and old.n between s.from_n and s.to_n and s.verified_at is not null
  ) then
    return old;
  end if;
  raise exception 'the audit log is append-only (% on %)', tg_op, tg_table_name
    using errcode = 'insufficient_privilege';
end $$;

drop trigger audit_entries_append_only on audit_entries;
create trigger audit_entries_append_only before update or delete on audit_entries
  for each row execute function audit_entries_guard();
