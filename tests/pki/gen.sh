#!/usr/bin/env bash
# Regenerates the test PKI checked in next to this script:
#   ca.crt/ca.key              the test CA
#   server.crt/server.key      localhost and 127.0.0.1, signed by the CA
#   server-rotated.crt/.key    the same names with a new key: what a certificate renewal gives
#   client.crt/client.key      a client certificate signed by the CA (for --client-ca)
#   expired.crt/expired.key    a server certificate whose validity ended in 2020
#   other-ca.crt/other-ca.key  an unrelated CA
#   wrong-ca-client.crt/.key   a client certificate signed by the unrelated CA
# The certificates are valid for ten years from generation; run this again before then.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # name subject
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() {  # name ca subject extensions
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$3" -out "$work/$1.csr" 2>/dev/null
  printf '%s\n' "$4" > "$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial \
    -days 3650 -extfile "$work/$1.ext" -out "$1.crt" 2>/dev/null
}

ca ca "launchguard test CA"
ca other-ca "unrelated test CA"
leaf server ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
leaf server-rotated ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
leaf client ca kube-apiserver "extendedKeyUsage=clientAuth"
leaf wrong-ca-client other-ca kube-apiserver "extendedKeyUsage=clientAuth"

# An expired certificate needs explicit dates, which only `openssl ca` accepts.
key expired.key
openssl req -new -key expired.key -subj "/CN=localhost" -out "$work/expired.csr" 2>/dev/null
mkdir -p "$work/ca"
touch "$work/ca/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/ca/index.txt
new_certs_dir = $work/ca
serial = $work/ca/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[ext]
subjectAltName = DNS:localhost,IP:127.0.0.1
extendedKeyUsage = serverAuth
CNF
echo 1000 > "$work/ca/serial"
openssl ca -batch -config "$work/ca.cnf" -cert ca.crt -keyfile ca.key -in "$work/expired.csr" \
  -startdate 20200101000000Z -enddate 20200201000000Z -extensions ext -out expired.crt -notext 2>/dev/null

rm -f ./*.srl
echo "test PKI written to $(pwd)"
