-- A code whose authorization request named no redirect_uri (the client has exactly one) keeps
-- none: the token request then need not repeat it (RFC 6749 §4.1.3).
alter table identity_codes alter column redirect_uri drop not null;
