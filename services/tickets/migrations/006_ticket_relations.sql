-- Merges, links and pending two-ticket operations, as the read model shows them
-- (docs/merge-split-links.md). One row per relation as one ticket sees it:
--   reserved     the ticket is held by operation op_id with other_id (the sweeper's work list)
--   merged_into  the ticket was merged into other_id by merge op_id
--   absorbed     other_id (merged here by op_id, directly or before) shows on this ticket;
--                requester_id is its requester, who is answered here
--   <link kind>  related, duplicate_of, ..., child_of: the link op_id to other_id
create table ticket_relations (
  tenant text not null,
  ticket_id bigint not null,
  kind text not null,
  other_id bigint not null,
  op_id bigint not null,
  requester_id text,
  created_at timestamptz not null,
  primary key (tenant, ticket_id, kind, other_id)
);
create index ticket_relations_reserved on ticket_relations (created_at)
  where kind = 'reserved';
