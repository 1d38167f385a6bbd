#!/bin/sh
# Run once by the postgres image when its data volume is new: one role per service, owning its own
# schema (the script the k8s Job database-roles runs too).
set -eu
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v subscription_password="$SUBSCRIPTION_DATABASE_PASSWORD" \
    -v metering_password="$METERING_DATABASE_PASSWORD" \
    -v dashboard_password="$DASHBOARD_DATABASE_PASSWORD" \
    -v notification_password="$NOTIFICATION_DATABASE_PASSWORD" \
    -f /service-roles.sql
