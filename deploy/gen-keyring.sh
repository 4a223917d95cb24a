#!/usr/bin/env bash
# Writes a fresh random Ticketd keyring (key-encryption key k1 + search key,
# 32 random bytes each, base64) for the compose secret "keyring":
#   {"active":"k1","keys":{"k1":"<base64>"},"searchKey":"<base64>"}
# Default output: deploy/secrets/keyring.json (git-ignored). Refuses to
# overwrite an existing keyring: losing it makes encrypted data unreadable.
#
# Usage: deploy/gen-keyring.sh [OUTPUT_FILE]
set -euo pipefail

out=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets/keyring.json"}
if [ -e "$out" ]; then
  echo "gen-keyring: $out already exists; not overwriting it (move it away first)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
# The directory keeps other host users out; the file itself must stay readable
# by the unprivileged "deno" user (uid 1993) in the container, because compose
# bind-mounts file secrets with the host file's owner and mode.
chmod 0700 "$(dirname "$out")"
umask 077
k1=$(openssl rand -base64 32)
search=$(openssl rand -base64 32)
printf '{"active":"k1","keys":{"k1":"%s"},"searchKey":"%s"}\n' "$k1" "$search" >"$out.tmp"
mv "$out.tmp" "$out"
chmod 0644 "$out"
echo "gen-keyring: wrote $out"
