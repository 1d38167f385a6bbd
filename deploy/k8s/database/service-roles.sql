-- One PostgreSQL role per service, owning its own schema and nothing else: a service (or whoever
-- took it over) reads and writes its own tables only, and its Flyway migrates as that role. The
-- webhook ingress keeps no database and gets no role.
--
-- Run by a superuser (or a role with CREATEROLE that owns the database) on the services' database,
-- with psql, before the services start: the k8s Job in database-roles.yaml and the compose file's
-- PostgreSQL init script do. Run again, it changes the passwords and nothing else.
--   psql -v ON_ERROR_STOP=1 -v subscription_password=... -v metering_password=... \
--        -v dashboard_password=... -v notification_password=... -f service-roles.sql
-- The role names are the schema names (each service's spring.flyway.schemas) and each service's
-- DATABASE_USER.

DO $$
DECLARE
    service text;
    object record;
BEGIN
    FOREACH service IN ARRAY ARRAY['subscription', 'metering', 'dashboard', 'notification'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', service);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            -- Roles belong to the server, not to one database: another database made it already.
            NULL;
        END;
        EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', service);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), service);
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, service);
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', service, service);
        -- A database migrated before the roles existed: its tables move to the schema's role (their
        -- sequences follow their tables).
        FOR object IN
            SELECT c.relname, c.relkind
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = service AND c.relkind IN ('r', 'p', 'v', 'm')
        LOOP
            EXECUTE format('ALTER %s %I.%I OWNER TO %I',
                CASE object.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                service, object.relname, service);
        END LOOP;
    END LOOP;
    -- No other role may connect, nor create anything outside its schema (temporary tables included).
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

ALTER ROLE subscription PASSWORD :'subscription_password';
ALTER ROLE metering PASSWORD :'metering_password';
ALTER ROLE dashboard PASSWORD :'dashboard_password';
ALTER ROLE notification PASSWORD :'notification_password';
