#!/usr/bin/env bash
# Writes a fresh random Ticketd keyring for the compose secret "keyring": an
# AES-256 key-encryption key k1 (profile intl), an SM2 key pair g1 (profile gm)
# and the search key (docs/crypto.md has the format):
#   {"active":{"intl":"k1","gm":"g1"},"keys":{"k1":"<base64>","g1":{"alg":"SM2",
#    "privateKey":"<hex>","publicKey":"04<hex>"}},"searchKey":"<base64>"}
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
# The hex of one field of `openssl ec -text` (priv: or pub:), without colons.
sm2_pem=$(openssl ecparam -name SM2 -genkey -noout)
field() {
  openssl ec -noout -text 2>/dev/null <<<"$sm2_pem" |
    awk -v start="$1" '$0 ~ "^"start {f=1; next} /^[A-Za-z]/ {f=0} f' | tr -d ' :\n'
}
priv=$(field "priv:")
priv=$(printf '%064s' "${priv: -64}" | tr ' ' 0) # openssl may add a leading 00 byte
pub=$(field "pub:")
printf '{"active":{"intl":"k1","gm":"g1"},"keys":{"k1":"%s","g1":{"alg":"SM2","privateKey":"%s","publicKey":"%s"}},"searchKey":"%s"}\n' \
  "$k1" "$priv" "$pub" "$search" >"$out.tmp"
mv "$out.tmp" "$out"
chmod 0644 "$out"
echo "gen-keyring: wrote $out"
