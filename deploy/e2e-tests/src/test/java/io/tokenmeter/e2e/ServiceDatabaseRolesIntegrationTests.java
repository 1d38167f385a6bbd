package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmeter.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services run as their own PostgreSQL roles (the deployments' roles script): each role's
 * Flyway migrated its schema, and a role can neither read nor write another service's schema, nor
 * create anything outside its own — so a service taken over reaches its own tables only.
 */
class ServiceDatabaseRolesIntegrationTests {

    static RunningSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.shared();
    }

    @Test
    void eachServicesFlywayMigratedItsSchemaAsItsOwnRole() throws Exception {
        for (String role : RunningSystem.DATABASE_ROLES.values()) {
            try (Connection admin = admin();
                    Statement statement = admin.createStatement()) {
                assertThat(
                                single(
                                        statement,
                                        "SELECT nspowner::regrole::text FROM pg_namespace"
                                                + " WHERE nspname = '"
                                                + role
                                                + "'"))
                        .as("owner of schema " + role)
                        .isEqualTo(role);
                assertThat(
                                column(
                                        statement,
                                        "SELECT DISTINCT installed_by FROM "
                                                + role
                                                + ".flyway_schema_history WHERE success"))
                        .as(role + "'s migrations")
                        .containsExactly(role);
                assertThat(
                                column(
                                        statement,
                                        "SELECT DISTINCT tableowner FROM pg_tables"
                                                + " WHERE schemaname = '"
                                                + role
                                                + "'"))
                        .as(role + "'s tables")
                        .containsExactly(role);
            }
        }
    }

    @Test
    void aServicesRoleCanNeitherReadNorWriteAnotherServicesSchema() throws Exception {
        Map<String, String> roles = RunningSystem.DATABASE_ROLES;
        int refused = 0;
        for (String role : roles.values()) {
            try (Connection connection = as(role);
                    Statement statement = connection.createStatement()) {
                for (String other : roles.values()) {
                    if (other.equals(role)) {
                        continue;
                    }
                    String table = anyTableOf(other);
                    assertPermissionDenied(statement, "SELECT * FROM " + other + "." + table);
                    assertPermissionDenied(statement, "DELETE FROM " + other + "." + table);
                    assertPermissionDenied(
                            statement, "CREATE TABLE " + other + ".intruder (id int)");
                    refused += 3;
                }
                assertPermissionDenied(statement, "CREATE TABLE public.intruder (id int)");
                assertPermissionDenied(statement, "CREATE SCHEMA intruder");
                assertPermissionDenied(statement, "CREATE TEMPORARY TABLE intruder (id int)");
                // Its own schema stays its own: it reads it.
                statement
                        .executeQuery("SELECT count(*) FROM " + role + "." + anyTableOf(role))
                        .close();
            }
        }
        assertThat(refused).isEqualTo(roles.size() * (roles.size() - 1) * 3);
    }

    private static void assertPermissionDenied(Statement statement, String sql) {
        assertThatThrownBy(() -> statement.execute(sql))
                .as(sql)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
    }

    private static String anyTableOf(String schema) throws SQLException {
        try (Connection admin = admin();
                Statement statement = admin.createStatement()) {
            return single(
                    statement,
                    "SELECT min(tablename) FROM pg_tables WHERE schemaname = '"
                            + schema
                            + "' AND tablename <> 'flyway_schema_history'");
        }
    }

    private static Connection admin() throws SQLException {
        TestDatabase database = system.database();
        return DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
    }

    private static Connection as(String role) throws SQLException {
        return DriverManager.getConnection(
                system.database().jdbcUrl(), role, RunningSystem.rolePassword(role));
    }

    private static String single(Statement statement, String sql) throws SQLException {
        List<String> values = column(statement, sql);
        assertThat(values).as(sql).hasSize(1);
        return values.get(0);
    }

    private static List<String> column(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }
}
