-- Ending a user's sessions: every change that must sign the user out everywhere (password, role,
-- groups; a future disable) raises identity_users.session_epoch. Codes and refresh-token
-- families remember the epoch of the sign-in they come from; one from an older epoch is refused,
-- even if it was in flight while the change committed.
alter table identity_users add column session_epoch integer not null default 0;
alter table identity_codes add column session_epoch integer not null default 0;
alter table identity_families add column session_epoch integer not null default 0;
create index identity_families_user on identity_families (user_id);
