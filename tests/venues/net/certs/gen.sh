#!/bin/sh
# Regenerates the test PKI of tests/venues/net (see README.md). Run from
# this directory; everything is valid for 100 years.
set -eu
DAYS=36500
# The test CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
  -out ca.pem -days $DAYS -subj "/CN=xarb test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
# A CA nobody signed with: clients trusting only it must refuse our servers.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -out other_ca.pem -days $DAYS -subj "/CN=xarb unrelated CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
# Server certificates signed by the test CA.
server() { # name subject-alt-names
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -out "$1.csr" -subj "/CN=$1" -addext "subjectAltName=$2" \
    -addext "extendedKeyUsage=serverAuth" -addext "basicConstraints=critical,CA:FALSE"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS \
    -copy_extensions copyall -out "$1.pem"
  rm -f "$1.csr"
}
server localhost "DNS:localhost,IP:127.0.0.1,IP:::1"
server wrong.example "DNS:wrong.example"
rm -f ca.srl
