-- Time worked on tickets, one row per TimeLogged event (a correction is a negative row); the
-- note is sealed like a message body. Rebuilt from the TICKETS stream by `deno task replay`.
create table ticket_time_entries (
  tenant text not null,
  ticket_id bigint not null,
  id bigint not null,
  agent_id text not null,
  seconds integer not null,
  note_sealed text,
  created_at timestamptz not null,
  version bigint not null,
  primary key (tenant, ticket_id, id)
);
-- An agent's time over a period (`GET /v1/time/agents/:agentId`).
create index ticket_time_by_agent on ticket_time_entries (tenant, agent_id, created_at);
