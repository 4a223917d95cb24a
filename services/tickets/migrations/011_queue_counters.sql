-- Open tickets counted per (tenant, group, assignee), kept by the database itself on every write
-- to `tickets`, so the workspace's queue counts (mine, unassigned, groups) add up a few counter
-- rows instead of reading every open ticket's index entry: at 1,000,000 tickets a groups count
-- read 32,451 entries (bench/queue_bench.ts). Triggers, not the projector, keep them, so every
-- writer (the projector, a rebuild, an import, a restore) keeps them right by construction.
-- '' stands for "none" in group_id and assignee_id (a primary key cannot hold null).
create table ticket_queue_counts (
  tenant text not null,
  group_id text not null,
  assignee_id text not null,
  tickets bigint not null,
  primary key (tenant, group_id, assignee_id)
);

-- The states a queue holds; the same list as OPEN_STATUSES in projections/ticket_counts.ts.
create function ticket_is_queued(status text) returns boolean
  language sql immutable parallel safe
  return status in ('new', 'open', 'pending', 'on_hold');

-- A counter's change, and one statement's changes added in one upsert, in key order so that two
-- writers touching the same counters lock them in the same order.
create type ticket_queue_delta as (tenant text, group_id text, assignee_id text, delta int);

create function ticket_queue_counts_add(deltas ticket_queue_delta[]) returns void
language sql as $$
  insert into ticket_queue_counts as counts (tenant, group_id, assignee_id, tickets)
  select tenant, group_id, assignee_id, sum(delta) from unnest(deltas)
  group by 1, 2, 3
  having sum(delta) <> 0
  order by 1, 2, 3
  on conflict (tenant, group_id, assignee_id)
  do update set tickets = counts.tickets + excluded.tickets
$$;

-- The rows a statement wrote count +1, the rows it replaced or removed -1. Each transition table
-- is named only on the branch of the operations that have it.
create function ticket_queue_counts_on_write() returns trigger language plpgsql as $$
declare
  deltas ticket_queue_delta[] := '{}';
begin
  if tg_op in ('INSERT', 'UPDATE') then
    deltas := deltas || array(
      select row(tenant, coalesce(group_id, ''), coalesce(assignee_id, ''), 1)::ticket_queue_delta
      from new_rows where ticket_is_queued(status));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    deltas := deltas || array(
      select row(tenant, coalesce(group_id, ''), coalesce(assignee_id, ''), -1)::ticket_queue_delta
      from old_rows where ticket_is_queued(status));
  end if;
  perform ticket_queue_counts_add(deltas);
  return null;
end
$$;

create function ticket_queue_counts_on_truncate() returns trigger language plpgsql as $$
begin
  delete from ticket_queue_counts;
  return null;
end
$$;

create trigger tickets_queue_counts_insert after insert on tickets
  referencing new table as new_rows
  for each statement execute function ticket_queue_counts_on_write();
create trigger tickets_queue_counts_update after update on tickets
  referencing old table as old_rows new table as new_rows
  for each statement execute function ticket_queue_counts_on_write();
create trigger tickets_queue_counts_delete after delete on tickets
  referencing old table as old_rows
  for each statement execute function ticket_queue_counts_on_write();
create trigger tickets_queue_counts_truncate after truncate on tickets
  for each statement execute function ticket_queue_counts_on_truncate();

insert into ticket_queue_counts (tenant, group_id, assignee_id, tickets)
select tenant, coalesce(group_id, ''), coalesce(assignee_id, ''), count(*)
from tickets where ticket_is_queued(status)
group by 1, 2, 3;
