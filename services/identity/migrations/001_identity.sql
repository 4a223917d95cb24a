-- The identity service's tables: users and clients per tenant, one-time authorization codes,
-- refresh-token families, the access tokens issued (for revocation), and login failures.

create table identity_users (
  id bigint primary key,
  tenant text not null,
  username text not null,
  email text,
  password_hash text not null,
  role text not null check (role in ('customer', 'agent', 'supervisor', 'admin', 'auditor')),
  groups text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant, username)
);

create table identity_clients (
  client_id text primary key,
  tenant text not null,
  name text not null,
  -- null: a public client (no secret; authorization_code with PKCE only)
  secret_hash text,
  redirect_uris text[] not null default '{}',
  grant_types text[] not null,
  scopes text[] not null default '{}',
  -- the role of client_credentials tokens (the client is their subject)
  role text check (role in ('customer', 'agent', 'supervisor', 'admin', 'auditor')),
  created_at timestamptz not null default now()
);

-- One sign-in's grant: the refresh tokens rotated from one authorization code.
create table identity_families (
  id bigint primary key,
  tenant text not null,
  client_id text not null references identity_clients (client_id) on delete cascade,
  user_id bigint not null references identity_users (id) on delete cascade,
  scope text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text
);

create table identity_codes (
  code_hash text primary key,
  tenant text not null,
  client_id text not null references identity_clients (client_id) on delete cascade,
  user_id bigint not null references identity_users (id) on delete cascade,
  redirect_uri text not null,
  code_challenge text not null,
  scope text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  family_id bigint references identity_families (id) on delete cascade
);
create index identity_codes_expiry on identity_codes (expires_at);

create table identity_refresh_tokens (
  token_hash text primary key,
  family_id bigint not null references identity_families (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  rotated_at timestamptz
);
create index identity_refresh_family on identity_refresh_tokens (family_id);

-- Access tokens issued, so a revoked family can deny its unexpired access tokens too.
create table identity_access_tokens (
  jti text primary key,
  tenant text not null,
  client_id text not null,
  family_id bigint references identity_families (id) on delete cascade,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index identity_access_family on identity_access_tokens (family_id);
create index identity_access_revoked on identity_access_tokens (expires_at) where revoked_at is not null;

create table identity_login_failures (
  tenant text not null,
  username text not null,
  failures integer not null,
  first_failure_at timestamptz not null,
  locked_until timestamptz,
  primary key (tenant, username)
);
