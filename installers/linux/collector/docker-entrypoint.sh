#!/bin/sh
# Initialises the data volume on first start (CA, certificates, database, first admin), then runs the collector.
set -e
DATA=/var/lib/mamori-collector
BIN=/opt/mamori-collector/mamori-collector
if [ "$1" = "start" ] && [ ! -e "$DATA/collector.yaml" ]; then
  "$BIN" --data-dir "$DATA" init --advertise "${MAMORI_ADVERTISE:-localhost:7443}" --http-host 0.0.0.0
fi
exec "$BIN" --data-dir "$DATA" "$@"
