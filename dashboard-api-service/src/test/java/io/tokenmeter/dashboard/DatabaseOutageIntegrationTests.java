package io.tokenmeter.dashboard;

import static io.tokenmeter.dashboard.States.newUser;
import static io.tokenmeter.dashboard.States.publish;
import static io.tokenmeter.dashboard.States.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import io.tokenmeter.testsupport.TestKafka;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The read model's database goes away for longer than the record retries last, then comes back:
 * what was published meanwhile is applied, and only what is wrong with a record dead-letters it.
 * Meanwhile, a status that is not cached is answered 503 with Retry-After.
 */
@IntegrationTest(
        properties = {
            "AUTH_JWT_SECRET=" + TestJwts.SECRET,
            "spring.kafka.consumer.group-id=dashboard-outage-tests-${random.uuid}",
            // A refused connection fails fast instead of after Hikari's default 30 s.
            "spring.datasource.hikari.connection-timeout=500"
        })
class DatabaseOutageIntegrationTests {

    @LocalServerPort int port;
    @Autowired JdbcTemplate jdbc;
    @Autowired JsonMapper json;
    @Autowired KafkaListenerEndpointRegistry registry;
    @Autowired MeterRegistry meters;

    @Test
    void appliesWhatWasPublishedWhileTheDatabaseWasDownAndDeadLettersOnlyTheBadRecord()
            throws Exception {
        String user = newUser();
        publish(usage(user, "FREE", null, 10));
        await().untilAsserted(() -> assertThat(tokensUsed(user)).isEqualTo(10));
        String database = jdbc.queryForObject("SELECT current_database()", String.class);

        // Both in the first batch the listener sees after it starts again.
        MessageListenerContainer listener = registry.getListenerContainer("dashboard-usage-state");
        listener.stop();
        publish(usage(user, "FREE", null, 20));
        // Undecodable, behind a good state: once the database is back, it fails the batch.
        TestKafka.send(Topics.USAGE_STATE.name(), user, new byte[] {1, 2, 3});
        double retriesBefore = retries();
        TestInfrastructure.whileDatabaseIsDown(
                database,
                () -> {
                    HttpResponse<String> uncached =
                            new TestHttp(port)
                                    .get(
                                            "/api/subscription/status",
                                            TestJwts.user(newUser()).token());
                    assertThat(uncached.statusCode()).isEqualTo(503);
                    assertThat(uncached.headers().firstValue("Retry-After")).hasValue("5");
                    assertThat(uncached.headers().firstValue("Content-Type"))
                            .hasValueSatisfying(
                                    type ->
                                            assertThat(type)
                                                    .startsWith("application/problem+json"));
                    listener.start();
                    // Longer than three retries 200 ms apart, each waiting 500 ms for a connection.
                    Thread.sleep(4_000);
                    assertThat(retries())
                            .as("deliveries retried while the database was down")
                            .isGreaterThan(retriesBefore);
                });

        await().untilAsserted(() -> assertThat(tokensUsed(user)).isEqualTo(20));
        // Only the undecodable record, and soon: not the state applied after the outage.
        await().untilAsserted(
                        () ->
                                assertThat(
                                                TestKafka.readAllRaw(
                                                        Topics.USAGE_STATE.deadLetterTopic()))
                                        .filteredOn(record -> user.equals(record.key()))
                                        .singleElement()
                                        .satisfies(
                                                record ->
                                                        assertThat(record.value())
                                                                .containsExactly(1, 2, 3)));
    }

    double retries() {
        return meters.counter("tokenmeter.kafka.database.unavailable.retries").count();
    }

    long tokensUsed(String user) {
        HttpResponse<String> response =
                new TestHttp(port).get("/api/subscription/status", TestJwts.user(user).token());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body()).get("tokens_used").asLong();
    }
}
