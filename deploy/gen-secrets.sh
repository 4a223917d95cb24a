#!/usr/bin/env bash
# Writes the compose stack's Docker secrets that are missing, into deploy/secrets/ (or DIR):
#   keyring.json          the keys that seal ticket text (deploy/gen-keyring.sh; back it up)
#   postgres_password     PostgreSQL user ticketd
#   minio_root_user       MinIO root user, also the attachments service's S3 access key
#   minio_root_password   MinIO root password, also its S3 secret key
# Existing files are kept: a new keyring or password would lock the stack out of its data.
#
# Usage: deploy/gen-secrets.sh [DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-"$here/secrets"}
mkdir -p "$dir"
chmod 0700 "$dir"

[ -e "$dir/keyring.json" ] || bash "$here/gen-keyring.sh" "$dir/keyring.json"

write() { # name, value
  if [ ! -e "$dir/$1" ]; then
    (umask 022 && printf '%s' "$2" >"$dir/$1") # compose mounts file secrets with this mode
    echo "gen-secrets: wrote $dir/$1"
  fi
}
random() { openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | head -c "$1"; }

write postgres_password "$(random 32)"
write minio_root_user "ticketd"
write minio_root_password "$(random 40)"
