package io.tokenmeter.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces the run command starts, each started twice to show that data survives a restart. */
class LocalStackPartsIntegrationTests {

    @TempDir Path home;

    @Test
    void kafkaBrokerKeepsItsTopicsAcrossARestart() throws Exception {
        Path logs = Files.createDirectories(home.resolve("logs"));
        int port = freePort();
        int controllerPort = freePort();

        try (KafkaBroker broker =
                KafkaBroker.start(home.resolve("kafka"), logs, port, controllerPort)) {
            Topics.createAll(broker.bootstrapServers());
        }
        try (KafkaBroker broker =
                        KafkaBroker.start(home.resolve("kafka"), logs, port, controllerPort);
                Admin admin =
                        Admin.create(
                                Map.of(
                                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("grading.session-completed.v1", "stripe.webhook-events.v1.DLT")
                    .hasSize(12);
        }
    }

    @Test
    void embeddedPostgresKeepsItsDataAcrossARestart() throws Exception {
        Path logs = Files.createDirectories(home.resolve("logs"));
        int port = freePort();

        try (Database database = Database.embedded(home.resolve("pg"), logs, port);
                Connection connection = connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id int)");
            statement.execute("INSERT INTO kept VALUES (42)");
        }
        try (Database database = Database.embedded(home.resolve("pg"), logs, port);
                Connection connection = connect(database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT id FROM kept")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isEqualTo(42);
        }
    }

    private static Connection connect(Database database) throws Exception {
        return DriverManager.getConnection(
                database.jdbcUrl(), database.user(), database.password());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
