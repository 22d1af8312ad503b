#!/bin/sh
# Regenerates the TLS test credentials of the gRPC interop tests: a test CA (`ca.pem`) and
# the server certificate `server1.pem` with key `server1.key`, named like gRPC's own test
# credentials (the client overrides the host name with `*.test.google.fr`, as gRPC's interop
# client does). Test data only: the keys are public.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/C=AU/O=protoforge tests/CN=testca" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$tmp/ca.key" -out ca.pem
openssl req -newkey rsa:2048 -nodes -subj "/C=US/O=protoforge tests/CN=*.test.google.com" \
  -keyout "$tmp/server1.rsa" -out "$tmp/server1.csr"
openssl pkcs8 -topk8 -nocrypt -in "$tmp/server1.rsa" -out server1.key
cat > "$tmp/ext.cnf" <<CNF
basicConstraints=CA:false
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:*.test.google.fr,DNS:waterzooi.test.google.be,DNS:*.test.youtube.com,DNS:localhost,IP:127.0.0.1
CNF
openssl x509 -req -in "$tmp/server1.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial \
  -days 36500 -extfile "$tmp/ext.cnf" -out server1.pem
rm -f ca.srl
