-- The agent workspace's queues: open tickets nobody is assigned (`assignee=none`), and the counts
-- of every queue (`GET /v1/tickets/counts`). Partial on the open states, so a count reads only
-- the open tickets of one tenant, assignee or group (an index-only scan) and never the history.
create index tickets_open_unassigned on tickets (tenant, updated_at desc, id desc)
  include (group_id)
  where assignee_id is null and status in ('new', 'open', 'pending', 'on_hold');
create index tickets_open_by_assignee on tickets (tenant, assignee_id)
  where status in ('new', 'open', 'pending', 'on_hold');
create index tickets_open_by_group on tickets (tenant, group_id) include (assignee_id)
  where status in ('new', 'open', 'pending', 'on_hold');
