package io.tokenmeter.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The real infrastructure a test JVM talks to, started once and shared: one Kafka broker, and the
 * PostgreSQL server in which every test class gets a database of its own.
 *
 * <p>By default the broker is spring-kafka-test's embedded KRaft broker and PostgreSQL is the one
 * at 127.0.0.1:5432 ({@code TOKENMETER_TEST_POSTGRES_URL}, {@code TOKENMETER_TEST_POSTGRES_USER}
 * override it). With {@code -Dtokenmeter.test.infrastructure=testcontainers} (Maven profile {@code
 * testcontainers}) both run in containers instead, which needs a Docker engine.
 *
 * <p>Starting it sets the system property {@code TOKENMETER_ENV=development}, so that services
 * started in this JVM accept the tests' secrets.
 */
public final class TestInfrastructure {

    static final String MODE_PROPERTY = "tokenmeter.test.infrastructure";

    private static final List<String> createdDatabases = new ArrayList<>();
    private static Backend backend;

    static {
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
        Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }

    private TestInfrastructure() {}

    /** The bootstrap servers of the JVM's shared broker, starting it on first use. */
    public static synchronized String kafkaBootstrapServers() {
        return backend().kafkaBootstrapServers();
    }

    /** Creates an empty database named after the test class; it is dropped when the JVM exits. */
    public static synchronized TestDatabase createDatabase(Class<?> owner) {
        Backend current = backend();
        String name =
                ("tm_"
                                + owner.getSimpleName().toLowerCase(Locale.ROOT)
                                + "_"
                                + UUID.randomUUID().toString().substring(0, 8))
                        .replaceAll("[^a-z0-9_]", "_");
        if (name.length() > 60) {
            name = name.substring(0, 51) + name.substring(name.length() - 9);
        }
        execute(current, "CREATE DATABASE " + name);
        createdDatabases.add(name);
        String url = current.postgresUrl().replaceFirst("/[^/?]*(\\?.*)?$", "/" + name + "$1");
        return new TestDatabase(name, url, current.postgresUser(), current.postgresPassword());
    }

    /**
     * Runs {@code meanwhile} while the database {@code name} is unreachable for the application:
     * its open connections are closed and new ones refused, as in an outage or a restart. The
     * database lets connections in again afterwards, whatever {@code meanwhile} did.
     */
    public static void whileDatabaseIsDown(String name, Meanwhile meanwhile) throws Exception {
        onServer("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        try {
            onServer(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                            + name
                            + "'");
            meanwhile.run();
        } finally {
            onServer("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
        }
    }

    private static synchronized void onServer(String sql) {
        execute(backend(), sql);
    }

    /** What a test does during {@link #whileDatabaseIsDown}. */
    @FunctionalInterface
    public interface Meanwhile {
        void run() throws Exception;
    }

    private static Backend backend() {
        if (backend == null) {
            // Services a test starts by hand in this JVM (SpringApplicationBuilder) use test
            // secrets too, which only development mode accepts.
            System.setProperty("TOKENMETER_ENV", "development");
            backend =
                    "testcontainers".equals(System.getProperty(MODE_PROPERTY))
                            ? ContainerBackend.start()
                            : LocalBackend.start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(TestInfrastructure::shutdown, "test-infra-stop"));
        }
        return backend;
    }

    private static synchronized void shutdown() {
        for (String name : createdDatabases) {
            try {
                execute(backend, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException e) {
                // The server may already be gone at JVM exit; nothing is left to clean then.
            }
        }
        backend.stop();
    }

    private static void execute(Backend backend, String sql) {
        try (Connection connection =
                        DriverManager.getConnection(
                                backend.postgresUrl(),
                                backend.postgresUser(),
                                backend.postgresPassword());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot run '" + sql + "' on " + backend.postgresUrl() + ": " + e.getMessage(),
                    e);
        }
    }

    interface Backend {
        String kafkaBootstrapServers();

        /** A URL of the server's maintenance database, from which test databases are created. */
        String postgresUrl();

        String postgresUser();

        String postgresPassword();

        void stop();
    }

    /** The embedded KRaft broker and the machine's PostgreSQL. */
    private record LocalBackend(EmbeddedKafkaKraftBroker broker, String postgresUrl)
            implements Backend {

        static LocalBackend start() {
            EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
            broker.brokerProperties(
                    Map.of(
                            "group.initial.rebalance.delay.ms", "0",
                            "transaction.state.log.replication.factor", "1",
                            "transaction.state.log.min.isr", "1",
                            "offsets.topic.num.partitions", "6",
                            "auto.create.topics.enable", "false"));
            broker.afterPropertiesSet();
            String url =
                    System.getenv()
                            .getOrDefault(
                                    "TOKENMETER_TEST_POSTGRES_URL",
                                    "jdbc:postgresql://127.0.0.1:5432/postgres");
            return new LocalBackend(broker, url);
        }

        @Override
        public String kafkaBootstrapServers() {
            return broker.getBrokersAsString();
        }

        @Override
        public String postgresUser() {
            return System.getenv().getOrDefault("TOKENMETER_TEST_POSTGRES_USER", "postgres");
        }

        @Override
        public String postgresPassword() {
            return System.getenv().getOrDefault("TOKENMETER_TEST_POSTGRES_PASSWORD", "");
        }

        @Override
        public void stop() {
            broker.destroy();
        }
    }
}
