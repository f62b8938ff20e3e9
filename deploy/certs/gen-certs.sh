#!/usr/bin/env bash
# Makes a CA and a serving certificate for launchguard's webhook port, for installs without
# cert-manager and without Helm (the plain manifests in deploy/manifests/).
#
#   deploy/certs/gen-certs.sh SERVICE NAMESPACE OUTDIR
#
# writes OUTDIR/ca.crt, OUTDIR/tls.crt and OUTDIR/tls.key (mode 0600). The certificate names
# SERVICE.NAMESPACE.svc (the name the API server verifies when it calls the webhook) and
# SERVICE.NAMESPACE.svc.cluster.local (CLUSTER_DOMAIN overrides cluster.local). Keys are ECDSA
# P-256; both certificates are valid for DAYS days (default 730). The CA key is thrown away:
# nothing else can be signed with it, and rotating means running this again and updating the
# webhook's caBundle and the audit kubeconfig. Needs openssl 1.1.1 or newer.
#
# Then, for example:
#   kubectl -n NAMESPACE create secret tls SERVICE-tls --cert=OUTDIR/tls.crt --key=OUTDIR/tls.key
#   base64 -w0 OUTDIR/ca.crt    # the webhook's caBundle, the kubeconfig's certificate-authority-data
set -euo pipefail

usage() {
  echo "usage: $0 SERVICE NAMESPACE OUTDIR" >&2
  echo "  writes OUTDIR/ca.crt, OUTDIR/tls.crt, OUTDIR/tls.key for SERVICE.NAMESPACE.svc" >&2
  exit 2
}
[ $# -eq 3 ] || usage
service=$1
namespace=$2
out=$3
domain=${CLUSTER_DOMAIN:-cluster.local}
days=${DAYS:-730}

# Service and namespace names are DNS labels (RFC 1123): anything else is a typo.
label='^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'
for name in "$service" "$namespace"; do
  if ! [[ $name =~ $label ]]; then
    echo "$0: \"$name\" is not a valid Service or Namespace name (lowercase letters, digits, '-')" >&2
    exit 2
  fi
done
if ! [[ $days =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: DAYS must be a positive number of days, not \"$days\"" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 1; }

host="$service.$namespace.svc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# The CA.
key "$work/ca.key"
openssl req -x509 -new -sha256 -key "$work/ca.key" -days "$days" \
  -subj "/CN=launchguard webhook CA for $host" -out "$work/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# The serving certificate.
key "$work/tls.key"
openssl req -new -sha256 -key "$work/tls.key" -subj "/CN=$host" -out "$work/tls.csr" 2>/dev/null
cat > "$work/tls.ext" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$host,DNS:$host.$domain
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EXT
openssl x509 -req -sha256 -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
  -CAcreateserial -days "$days" -extfile "$work/tls.ext" -out "$work/tls.crt" 2>/dev/null
openssl verify -CAfile "$work/ca.crt" "$work/tls.crt" >/dev/null

mkdir -p "$out"
install -m 0644 "$work/ca.crt" "$out/ca.crt"
install -m 0644 "$work/tls.crt" "$out/tls.crt"
install -m 0600 "$work/tls.key" "$out/tls.key"
echo "wrote $out/ca.crt, $out/tls.crt and $out/tls.key for $host and $host.$domain (valid $days days)" >&2
