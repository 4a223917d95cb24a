-- ACTIVITY facts written by the command-line tools (deno task identity:admin) in the same
-- transaction as their change; the identity service publishes them and deletes each after its ack.
create table identity_activity_outbox (
  id bigint primary key,
  -- the fact as the stream stores it ({type, v, data} JSON), encoded before the insert
  fact text not null,
  subject text not null,
  -- the id the fact is published under, from the service's generator (the tool shares its
  -- worker id): set once before the first publish, so a second publish is the same message
  fact_id bigint,
  created_at timestamptz not null default now()
);
