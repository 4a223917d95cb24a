-- Events the projector could not write (a value PostgreSQL refuses, a commit that does not
-- decode). They stay in the stream; the read model skips them so one bad event cannot stop every
-- tenant's read model. Fix the cause, then `deno task replay`.
create table projection_failures (
  projector text not null,
  position bigint not null,
  code text not null,
  reason text not null,
  failed_at timestamptz not null,
  primary key (projector, position)
);
