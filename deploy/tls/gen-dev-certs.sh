#!/usr/bin/env bash
# Generates a throwaway development CA and server certificates for the compose
# stack (NATS and PostgreSQL). Output goes next to this script:
#   ca.crt ca.key            dev CA (ca.crt is what clients trust)
#   nats.crt nats.key        server cert for nats      (SAN: nats, localhost, 127.0.0.1)
#   postgres.crt postgres.key server cert for postgres (SAN: postgres, localhost, 127.0.0.1)
# Never commit the generated files (deploy/.gitignore ignores them). For a real
# deployment use certificates from your own CA instead.
#
# Usage: deploy/tls/gen-dev-certs.sh [--force]   (existing files are kept unless --force)
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$dir"
days=${TLS_DAYS:-825}

if [ -f ca.crt ] && [ "${1:-}" != "--force" ]; then
  echo "deploy/tls: ca.crt already exists; keeping it (pass --force to regenerate)"
  exit 0
fi

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days "$days" \
  -subj "/O=Ticketd dev/CN=Ticketd dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca.key -out ca.crt 2>/dev/null

issue() { # name, extra SANs
  local name=$1 sans=$2
  openssl req -newkey rsa:2048 -sha256 -nodes -subj "/O=Ticketd dev/CN=$name" \
    -keyout "$name.key" -out "$tmp/$name.csr" 2>/dev/null
  cat >"$tmp/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$name,$sans
EXT
  openssl x509 -req -sha256 -days "$days" -in "$tmp/$name.csr" \
    -CA ca.crt -CAkey ca.key -CAcreateserial -CAserial "$tmp/ca.srl" \
    -extfile "$tmp/$name.ext" -out "$name.crt" 2>/dev/null
  openssl verify -CAfile ca.crt "$name.crt" >/dev/null
}

issue nats "DNS:localhost,IP:127.0.0.1"
issue postgres "DNS:localhost,IP:127.0.0.1"

# Certificates are public; keys are readable only by the owner (the containers
# copy or read them as root, see compose.yaml).
chmod 0644 ca.crt nats.crt postgres.crt
chmod 0600 ca.key nats.key postgres.key

echo "deploy/tls: wrote ca.crt, nats.{crt,key}, postgres.{crt,key} (valid $days days)"
