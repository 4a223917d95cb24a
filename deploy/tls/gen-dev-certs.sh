#!/usr/bin/env bash
# Makes a private CA and one certificate per compose service, the compose stack's one-shot
# `certs` step (it runs in the `certs` image target of deploy/Dockerfile) and usable by hand:
#   ca.crt ca.key            the private CA (ca.crt is what every client trusts)
#   <name>.crt <name>.key    per service (SANs: <name>, then $TLS_LOCAL_SANS, by default
#                            localhost and 127.0.0.1 for the native stack; Compose sets it
#                            empty; edge also $TICKETD_DOMAIN); server and client (NATS routes)
# Files already in OUT_DIR are kept, and certificates an operator gives in $TLS_GIVEN_DIR (any of
# the names above) are copied in first, so only what is missing is generated. --force regenerates.
# Never commit the generated files (deploy/.gitignore ignores them).
#
# Usage: deploy/tls/gen-dev-certs.sh [--force] [OUT_DIR]   (OUT_DIR default: this folder)
set -euo pipefail

force=0
if [ "${1:-}" = "--force" ]; then
  force=1
  shift
fi
out=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"}
days=${TLS_DAYS:-825}
names=${TLS_NAMES:-"nats nats-1 nats-2 nats-3 postgres minio edge tickets identity routing sessions attachments audit webhooks reports email gateway"}
# Unset: the loopback names; set empty (Compose): each certificate names its service alone.
local_sans=${TLS_LOCAL_SANS-"DNS:localhost,IP:127.0.0.1"}
mkdir -p "$out"
cd "$out"

if [ -n "${TLS_GIVEN_DIR:-}" ] && [ -d "$TLS_GIVEN_DIR" ]; then
  for file in "$TLS_GIVEN_DIR"/*.crt "$TLS_GIVEN_DIR"/*.key; do
    [ -f "$file" ] && cp "$file" .
  done
fi

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f ca.crt ] || [ "$force" = 1 ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days "$days" \
    -subj "/O=Ticketd private CA/CN=Ticketd private CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca.key -out ca.crt 2>/dev/null
  force=1 # certificates of an older CA would not verify any more
fi

issue() { # name, SANs
  local name=$1 sans=$2
  openssl req -newkey rsa:2048 -sha256 -nodes -subj "/O=Ticketd/CN=$name" \
    -keyout "$name.key" -out "$tmp/$name.csr" 2>/dev/null
  cat >"$tmp/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$sans
EXT
  openssl x509 -req -sha256 -days "$days" -in "$tmp/$name.csr" \
    -CA ca.crt -CAkey ca.key -CAcreateserial -CAserial "$tmp/ca.srl" \
    -extfile "$tmp/$name.ext" -out "$name.crt" 2>/dev/null
  openssl verify -CAfile ca.crt "$name.crt" >/dev/null
}

# Who reads each key in its container: postgres (uid 70 in the alpine image) refuses a key that
# is not its own with mode 0600; the Ticketd image runs as deno (uid 1993); the rest run as root.
key_owner() {
  case $1 in
  postgres) echo 70 ;;
  tickets | identity | routing | sessions | attachments | audit | webhooks | reports | email | gateway) echo 1993 ;;
  *) echo 0 ;;
  esac
}

for name in $names; do
  if [ "$force" = 1 ] || [ ! -f "$name.crt" ] || [ ! -f "$name.key" ]; then
    sans="DNS:$name${local_sans:+,$local_sans}"
    [ "$name" = edge ] && sans="DNS:${TICKETD_DOMAIN:-localhost},$sans"
    issue "$name" "$sans"
  fi
  chmod 0644 "$name.crt"
  chmod 0600 "$name.key"
  if [ "$(id -u)" = 0 ]; then chown "$(key_owner "$name")" "$name.key"; fi
done
chmod 0644 ca.crt
chmod 0600 ca.key

# MinIO reads fixed names from its certs folder (--certs-dir /tls/minio).
if [ -f minio.crt ]; then
  mkdir -p minio/CAs
  cp minio.crt minio/public.crt
  cp minio.key minio/private.key
  cp ca.crt minio/CAs/ca.crt
  chmod 0600 minio/private.key
fi

echo "tls: ca.crt and certificates for: $names in $out (valid $days days)"
