#!/usr/bin/env bash
# Runs the whole tokenmeter system locally: a KRaft Kafka broker, PostgreSQL, an SMTP server and the
# five services.
#   ./run-local.sh            start everything (builds the jars first if any is missing)
#   ./run-local.sh --demo     ... and play Stripe and the grading pipeline for a demo user
#   ./run-local.sh --rebuild  rebuild the jars before starting
# Ctrl-C stops everything. Data and logs live in .local/ and survive restarts.
set -euo pipefail
cd "$(dirname "$0")"

jars=(webhook-ingress-service/target/webhook-ingress-service.jar
      subscription-service/target/subscription-service.jar
      usage-metering-service/target/usage-metering-service.jar
      dashboard-api-service/target/dashboard-api-service.jar
      notification-service/target/notification-service.jar
      deploy/local-stack/target/local-stack.jar)
build=false
args=()
for arg in "$@"; do
    if [ "$arg" = "--rebuild" ]; then build=true; else args+=("$arg"); fi
done
for jar in "${jars[@]}"; do [ -f "$jar" ] || build=true; done
if [ "$build" = true ]; then
    echo "[local-stack] building the services (tests skipped; run ./mvnw -B verify for those)..."
    ./mvnw -B -q -DskipTests package
fi
exec java -Xmx384m -jar deploy/local-stack/target/local-stack.jar "${args[@]+"${args[@]}"}"
