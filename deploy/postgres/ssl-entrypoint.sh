#!/bin/sh
# Entrypoint wrapper for the postgres container (compose.yaml). PostgreSQL
# refuses a key file that is not owned by it with mode 0600 (or root 0640), and
# bind-mounted files keep the host's owner, so copy the dev certs from the
# read-only mount /tls into a private directory first, then hand over to the
# image's own entrypoint (initdb on first start, then drops to user postgres).
set -eu
dest=/var/lib/postgresql/tls
install -d -m 0700 -o postgres -g postgres "$dest"
install -m 0644 -o postgres -g postgres /tls/postgres.crt "$dest/server.crt"
install -m 0600 -o postgres -g postgres /tls/postgres.key "$dest/server.key"
install -m 0644 -o postgres -g postgres /tls/ca.crt "$dest/ca.crt"
exec docker-entrypoint.sh "$@"
