-- The queues at a million tickets (bench/queue_bench.ts). An agent's counts of mine and
-- unassigned each read one range of this index, index-only (group_id is there for the agent's
-- scope), instead of every open ticket of the tenant; it supersedes tickets_open_by_assignee.
create index tickets_open_by_assignee_group on tickets (tenant, assignee_id, group_id)
  where status in ('new', 'open', 'pending', 'on_hold');
drop index tickets_open_by_assignee;
-- The custom-status queue in the console's order (-updated_at), beside 005's -created_at one.
create index tickets_by_custom_status_updated
  on tickets (tenant, custom_status_id, updated_at desc, id desc)
  where custom_status_id is not null;
