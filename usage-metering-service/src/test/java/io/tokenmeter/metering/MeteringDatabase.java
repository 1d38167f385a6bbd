package io.tokenmeter.metering;

import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

/** A test class's own database with metering's schema migrated, for the cores without Spring. */
public final class MeteringDatabase {

    private MeteringDatabase() {}

    /** A new database for {@code owner}, migrated to the latest schema. */
    public static TestDatabase migrated(Class<?> owner) {
        TestDatabase database = TestInfrastructure.createDatabase(owner);
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .schemas("metering")
                .load()
                .migrate();
        return database;
    }

    /** Forgets everything metering keeps (every table but Flyway's history). */
    public static void clear(JdbcTemplate jdbc) {
        // DELETE, not TRUNCATE: properties clear thousands of times, and the tables are small.
        for (String table :
                jdbc.queryForList(
                        "SELECT quote_ident(tablename) FROM pg_tables"
                                + " WHERE schemaname = 'metering'"
                                + " AND tablename <> 'flyway_schema_history'",
                        String.class)) {
            jdbc.update("DELETE FROM metering." + table);
        }
    }
}
