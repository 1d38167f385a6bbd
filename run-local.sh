#!/usr/bin/env bash
# Runs the whole tokenmeter system locally: Kafka, PostgreSQL and the four services.
# Usage: ./run-local.sh [--demo]    (Ctrl-C stops everything)
set -euo pipefail
cd "$(dirname "$0")"
launcher=deploy/local-stack/target/local-stack.jar
if [ ! -f "$launcher" ]; then
    echo "local stack: not yet (the deploy/local-stack launcher is being built)" >&2
    exit 1
fi
exec java -jar "$launcher" "$@"
