-- The profile whose keyed hash made each tenant's search tokens, so a start with other profile
-- settings can say that search needs a replay instead of silently finding nothing.
create table search_profiles (
  tenant text primary key,
  profile text not null,
  recorded_at timestamptz not null default now()
);
