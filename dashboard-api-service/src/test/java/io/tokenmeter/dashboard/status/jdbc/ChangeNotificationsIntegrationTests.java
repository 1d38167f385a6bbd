package io.tokenmeter.dashboard.status.jdbc;

import static io.tokenmeter.dashboard.States.newUser;
import static io.tokenmeter.dashboard.States.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.dashboard.DashboardApiApplication;
import io.tokenmeter.dashboard.States;
import io.tokenmeter.dashboard.status.StatusProjection;
import io.tokenmeter.dashboard.status.UsageSnapshot;
import io.tokenmeter.schemas.Tier;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances on one read model: the test's own (A), whose consumers apply every change, and a
 * second one (B) whose consumers never start, as if its partitions were all assigned to A. B's
 * cached answers must follow the changes A commits.
 */
@IntegrationTest(
        properties = {
            "AUTH_JWT_SECRET=" + TestJwts.SECRET,
            "spring.kafka.consumer.group-id=dashboard-notify-tests-${random.uuid}"
        })
class ChangeNotificationsIntegrationTests {

    /** Within the 250 ms target with room for a loaded machine; B is otherwise stale for 60 s. */
    static final Duration FRESH_WITHIN = Duration.ofSeconds(2);

    static ConfigurableApplicationContext replica;

    @LocalServerPort int port;
    @Autowired Environment environment;
    @Autowired JdbcTemplate jdbc;
    @Autowired JsonMapper json;
    @Autowired StatusProjection projection;

    @BeforeEach
    void startTheOtherInstance() {
        if (replica == null) {
            replica =
                    new SpringApplicationBuilder(DashboardApiApplication.class)
                            .run(
                                    "--server.port=0",
                                    "--AUTH_JWT_SECRET=" + TestJwts.SECRET,
                                    "--spring.kafka.bootstrap-servers="
                                            + TestInfrastructure.kafkaBootstrapServers(),
                                    "--spring.kafka.consumer.group-id=dashboard-notify-b-"
                                            + UUID.randomUUID(),
                                    "--spring.kafka.listener.auto-startup=false",
                                    "--management.endpoint.health.show-components=always",
                                    "--management.endpoint.health.show-details=always",
                                    "--spring.datasource.url="
                                            + environment.getProperty("spring.datasource.url"),
                                    "--spring.datasource.username="
                                            + environment.getProperty("spring.datasource.username"),
                                    "--spring.datasource.password="
                                            + environment.getProperty(
                                                    "spring.datasource.password", ""));
        }
        assertThat(replica.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers())
                .isNotEmpty()
                .noneMatch(container -> container.isRunning());
    }

    @AfterAll
    static void stopTheOtherInstance() {
        if (replica != null) {
            replica.close();
            replica = null;
        }
    }

    TestHttp a() {
        return new TestHttp(port);
    }

    TestHttp b() {
        return new TestHttp(replica.getEnvironment().getProperty("local.server.port", int.class));
    }

    long tokensUsed(TestHttp instance, String user) {
        HttpResponse<String> response =
                instance.get("/api/subscription/status", TestJwts.user(user).token());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body()).get("tokens_used").asLong();
    }

    /** A user with 100 tokens used, whose answer both instances have cached. */
    String userCachedByBoth() {
        String user = newUser();
        publish(States.usage(user, "FREE", null, 100));
        await().untilAsserted(() -> assertThat(tokensUsed(a(), user)).isEqualTo(100));
        assertThat(tokensUsed(b(), user)).isEqualTo(100);

        // A change that nobody announces: B keeps answering from its cache.
        jdbc.update("UPDATE usage_state SET tokens_used = 150 WHERE user_id = ?", user);
        assertThat(tokensUsed(b(), user)).isEqualTo(100);
        return user;
    }

    @Test
    void anInstanceThatDidNotApplyAChangeStopsServingTheStaleAnswer() {
        String user = userCachedByBoth();

        publish(States.usage(user, "FREE", null, 200));
        await().untilAsserted(() -> assertThat(tokensUsed(a(), user)).isEqualTo(200));

        await().atMost(FRESH_WITHIN)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(tokensUsed(b(), user)).isEqualTo(200));
    }

    @Test
    void aListenerThatLostItsConnectionDropsTheCacheAndHearsChangesAgain() {
        String user = userCachedByBoth();
        double reconnects = reconnects();

        Integer terminated =
                jdbc.queryForObject(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                                + " FROM pg_stat_activity"
                                + " WHERE application_name = ? AND datname = current_database()",
                        Integer.class,
                        ChangeListener.APPLICATION_NAME);
        assertThat(terminated).as("A's and B's listeners").isEqualTo(2);

        // Listening again, B no longer trusts anything it cached while it could not hear.
        await().untilAsserted(() -> assertThat(reconnects()).isGreaterThan(reconnects));
        assertThat(tokensUsed(b(), user)).isEqualTo(150);
        JsonNode health =
                json.readTree(
                        new TestHttp(
                                        replica.getEnvironment()
                                                .getProperty("local.management.port", int.class))
                                .get("/actuator/health")
                                .body());
        assertThat(health.at("/components/statusNotifications/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/statusNotifications/details/reconnects").asLong())
                .isPositive();

        publish(States.usage(user, "FREE", null, 200));
        await().untilAsserted(() -> assertThat(tokensUsed(a(), user)).isEqualTo(200));
        await().atMost(FRESH_WITHIN)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(tokensUsed(b(), user)).isEqualTo(200));
    }

    @Test
    void aBatchAnnouncedInSeveralFullPayloadsReachesTheOtherInstance() {
        // About 2 KB each as stored (under the index's limit); escaped, the first two fill one
        // payload exactly: 3 brackets and separator, 2 + 14 + 6,000 quoted, then 2 + 23 + the rest.
        String wide = newUser() + "é".repeat(1_000);
        String odd = newUser() + "\n\"odd\"";
        String fill = odd + "x".repeat(ChangeNotices.MAX_PAYLOAD_BYTES - 3 - 6_016 - 2 - 23);
        String next = newUser() + " 😀";
        List<String> payloads = ChangeNotices.payloads(List.of(wide, fill, next));
        assertThat(payloads).hasSize(2);
        assertThat(payloads.get(0)).hasSize(ChangeNotices.MAX_PAYLOAD_BYTES);
        for (String user : List.of(wide, fill, next)) {
            assertThat(tokensUsed(b(), user)).isZero();
        }

        projection.usageReported(
                List.of(
                        new UsageSnapshot(
                                wide, Tier.FREE, null, null, 1, Instant.now(), Tier.FREE.limit()),
                        new UsageSnapshot(
                                fill, Tier.FREE, null, null, 2, Instant.now(), Tier.FREE.limit()),
                        new UsageSnapshot(
                                next, Tier.FREE, null, null, 3, Instant.now(), Tier.FREE.limit())));

        await().atMost(FRESH_WITHIN)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(
                        () -> {
                            assertThat(tokensUsed(b(), wide)).isEqualTo(1);
                            assertThat(tokensUsed(b(), fill)).isEqualTo(2);
                            assertThat(tokensUsed(b(), next)).isEqualTo(3);
                        });
    }

    double reconnects() {
        return replica.getBean(MeterRegistry.class)
                .counter("tokenmeter.dashboard.status.listener.reconnects")
                .count();
    }
}
