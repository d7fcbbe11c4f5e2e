#!/usr/bin/env bash
# Writes the replica set's key file from MONGO_REPLICA_SET_KEY (mongod wants it owned by its user,
# readable by nobody else), then hands over to the image's own entrypoint.
set -euo pipefail
: "${MONGO_REPLICA_SET_KEY:?MONGO_REPLICA_SET_KEY must be set}"
umask 077
printf '%s' "$MONGO_REPLICA_SET_KEY" > /tmp/mongo-keyfile
chown mongodb:mongodb /tmp/mongo-keyfile
chmod 400 /tmp/mongo-keyfile
exec docker-entrypoint.sh "$@"
