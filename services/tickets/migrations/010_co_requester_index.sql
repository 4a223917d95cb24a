-- A customer's ticket list includes the tickets their merged tickets went into
-- (docs/merge-split-links.md): the `absorbed` rows are looked up by their requester.
create index ticket_relations_absorbed_by_requester on ticket_relations (tenant, requester_id)
  where kind = 'absorbed';
