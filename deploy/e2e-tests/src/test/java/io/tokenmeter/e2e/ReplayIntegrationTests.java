package io.tokenmeter.e2e;

import static io.tokenmeter.e2e.SubscriptionLifecycleIntegrationTests.assertStatus;
import static io.tokenmeter.e2e.SubscriptionLifecycleIntegrationTests.deliver;
import static io.tokenmeter.e2e.SubscriptionLifecycleIntegrationTests.publish;
import static io.tokenmeter.e2e.SubscriptionLifecycleIntegrationTests.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.ops.Ops;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.DerivedTables;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ops replay --from earliest} on each service of the running system: stop it, rebuild its
 * state from its input topics into an empty schema, start it, and its state equals what it was
 * (CONTRACT rule 7). Compared: every table of the service's schema, except the outbox (transient),
 * the record of threshold notifications already sent, metering's record of how far its input's
 * batches were committed to Kafka (consumer progress, which a replay redoes in batches of its own),
 * and columns that record wall-clock time or row versions. Threshold notifications are a log, not
 * derived state: a live run that saw a session before the state opening its period may have
 * announced a threshold that in-order history never crosses, and an announcement is never
 * withdrawn.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayIntegrationTests {

    static RunningSystem system;
    static String user;

    @BeforeAll
    static void seed() throws Exception {
        system = RunningSystem.shared();
        user = "u_replay_" + System.nanoTime();
        StripeScript stripe = new StripeScript(user);
        Instant start = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plus(Duration.ofDays(30));
        publish(session(user, start.minus(Duration.ofDays(1)), 7_000));
        deliver(stripe.checkoutCompleted(start));
        deliver(
                stripe.subscription(
                        "customer.subscription.created",
                        RunningSystem.PRICE_ESSENTIEL,
                        "active",
                        start,
                        end,
                        start.plusSeconds(1)));
        publish(session(user, start.plus(Duration.ofDays(1)), 11_000));
        publish(session(user, start.plus(Duration.ofDays(2)), 13_000));
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("tier").asString()).isEqualTo("ESSENTIEL");
                    assertThat(status.get("tokens_used").asLong()).isEqualTo(24_000);
                });
    }

    @Test
    @Order(1)
    void rebuildsTheSubscriptionServiceWhoseStatesSupersedeTheOldOnesDownstream() throws Exception {
        long highestBefore = highestPublishedVersion(user);
        assertThat(highestBefore).isPositive();

        rebuildsToTheSameState("subscription-service", "subscription");

        // The consumers were not rebuilt: they take the rebuilt service's states only because
        // their versions continue above the old ones.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            long highestAfter = highestPublishedVersion(user);
                            assertThat(highestAfter).isGreaterThan(highestBefore);
                            assertThat(
                                            singleLong(
                                                    "SELECT version FROM dashboard.subscription_state"
                                                            + " WHERE user_id = ?"))
                                    .isEqualTo(highestAfter);
                            assertThat(
                                            singleLong(
                                                    "SELECT max(version) FROM"
                                                            + " metering.subscription_change WHERE user_id = ?"))
                                    .isEqualTo(highestAfter);
                        });
        assertStatus(
                user, status -> assertThat(status.get("tier").asString()).isEqualTo("ESSENTIEL"));
    }

    private static long highestPublishedVersion(String user) {
        return TestKafka.readAll(Topics.SUBSCRIPTION_STATE).stream()
                .filter(record -> user.equals(record.key()))
                .mapToLong(record -> record.value().getVersion())
                .max()
                .orElse(0);
    }

    private static long singleLong(String query) throws SQLException {
        TestDatabase database = system.database();
        try (Connection connection =
                        DriverManager.getConnection(
                                database.jdbcUrl(), database.username(), database.password());
                var statement = connection.prepareStatement(query)) {
            statement.setString(1, user);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    @Order(2)
    void rebuildsTheMeteringServiceAndPublishesWhatItRederives() throws Exception {
        long costsBefore = sessionCostsOf(user);

        rebuildsToTheSameState("usage-metering-service", "metering");

        // The rebuilt service announces what it derives again: its records reach Kafka, none
        // swallowed.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(sessionCostsOf(user)).isEqualTo(2 * costsBefore));
    }

    @Test
    @Order(3)
    void rebuildsTheDashboard() throws Exception {
        rebuildsToTheSameState("dashboard-api-service", "dashboard");
        assertStatus(
                user, status -> assertThat(status.get("tokens_used").asLong()).isEqualTo(24_000));
    }

    private static void rebuildsToTheSameState(String service, String schema) throws Exception {
        Map<String, List<String>> before = dump(schema);
        assertThat(before.values())
                .as("state to rebuild")
                .anySatisfy(rows -> assertThat(rows).isNotEmpty());

        system.stop(service);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status =
                Ops.run(
                        List.of("replay", "--service", service, "--from", "earliest"),
                        system.environment(),
                        new PrintStream(output, true, StandardCharsets.UTF_8));
        assertThat(status).as(output.toString(StandardCharsets.UTF_8)).isEqualTo(Ops.OK);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("emptied schema " + schema);
        system.restart(service);

        await().atMost(Duration.ofSeconds(120))
                .untilAsserted(
                        () -> {
                            Map<String, List<String>> after = dump(schema);
                            assertThat(after.keySet()).isEqualTo(before.keySet());
                            before.forEach(
                                    (table, rows) ->
                                            assertThat(after.get(table))
                                                    .as(schema + "." + table)
                                                    .containsExactlyElementsOf(rows));
                        });
    }

    private static long sessionCostsOf(String user) {
        return TestKafka.readAll(Topics.SESSION_COST).stream()
                .filter(record -> user.equals(record.key()))
                .count();
    }

    /** The schema's derived tables' rows ({@link DerivedTables}). */
    private static Map<String, List<String>> dump(String schema) throws SQLException {
        TestDatabase database = system.database();
        try (Connection connection =
                DriverManager.getConnection(
                        database.jdbcUrl(), database.username(), database.password())) {
            return DerivedTables.rows(connection, schema);
        }
    }
}
