#!/bin/sh
# The bootstrap service of docker-compose.yml: makes the root CA (in its own volume, which no
# node mounts), the issuing CA node1's agent issues from, one single-use join token per node
# (each node mounts only its own), and a client certificate for redis-cli. Nothing of this is in
# the image. Run once: a second run finds the root and leaves everything as it is.
set -eu
if [ -f /pki/ca/ca.crt ]; then
  echo "bootstrap: the CA exists already; nothing to do"
  exit 0
fi
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > /pki/ca.pass
redmesh ca init --dir /pki/ca --passphrase-file /pki/ca.pass --name "RedMesh compose root"
redmesh ca issue --dir /pki/ca --passphrase-file /pki/ca.pass --issuer issuer1 --out /issuer/ca --no-encrypt
for n in node1 node2 node3 node4 node5 node6; do
  mkdir -p "/tokens/$n"
  redmesh ca token --dir /pki/ca --passphrase-file /pki/ca.pass --name "$n" --role operator --ttl 1h > "/tokens/$n/join.token"
  cp /pki/ca/ca.crt "/tokens/$n/ca.crt"
done
# redis-cli's certificate: the key is made here and never leaves the client volume
openssl ecparam -name prime256v1 -genkey -noout -out /client/client.key
openssl req -new -key /client/client.key -subj /CN=admin -out /client/client.csr
redmesh ca issue --dir /pki/ca --passphrase-file /pki/ca.pass --csr /client/client.csr --name admin --role client --hours 720 --out /client/client.crt
cp /pki/ca/ca.crt /client/ca.crt
chmod 0644 /client/ca.crt /client/client.crt
echo "bootstrap: root CA, issuing CA, 6 join tokens and a client certificate ready"
