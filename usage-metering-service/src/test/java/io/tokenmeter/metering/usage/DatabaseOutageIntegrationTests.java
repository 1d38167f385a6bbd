package io.tokenmeter.metering.usage;

import static io.tokenmeter.testsupport.SessionCompletedBuilder.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions that arrive while the database is down are metered once it is back: counted once,
 * announced once, nothing dead-lettered. The listener's batches fail, roll back and are delivered
 * again until then. Meanwhile the quota answer is 503 with Retry-After, which the grading pipeline
 * can retry on.
 */
@IntegrationTest(
        properties = {
            "spring.kafka.consumer.group-id=metering-outage-tests",
            "tokenmeter.metering.api-token=" + DatabaseOutageIntegrationTests.TOKEN,
            // A refused connection fails fast instead of after Hikari's default 30 s.
            "spring.datasource.hikari.connection-timeout=500"
        })
class DatabaseOutageIntegrationTests {

    static final String TOKEN = "outage-test-token";

    @LocalServerPort int port;
    @Autowired JdbcTemplate jdbc;
    @Autowired MeterRegistry meters;

    double retries() {
        return meters.counter("tokenmeter.kafka.database.unavailable.retries").count();
    }

    final String user = "u_" + UUID.randomUUID();

    @Test
    void metersOnceWhatArrivedWhileTheDatabaseWasDown() throws Exception {
        send("before-" + user, 100);
        await().untilAsserted(() -> assertThat(tokensUsed()).isEqualTo(100));
        String database = jdbc.queryForObject("SELECT current_database()", String.class);

        double retriesBefore = retries();
        TestInfrastructure.whileDatabaseIsDown(
                database,
                () -> {
                    var quota = new TestHttp(port).get("/api/usage/" + user, TOKEN);
                    assertThat(quota.statusCode()).isEqualTo(503);
                    assertThat(quota.headers().firstValue("Retry-After")).hasValue("5");
                    send("during-" + user, 200);
                    send("during-" + user, 200);
                    Thread.sleep(4_000);
                    assertThat(retries())
                            .as("batches delivered again while the database was down")
                            .isGreaterThan(retriesBefore);
                });

        await().untilAsserted(() -> assertThat(tokensUsed()).isEqualTo(300));
        await().untilAsserted(
                        () ->
                                assertThat(TestKafka.readAll(Topics.USAGE_STATE))
                                        .filteredOn(record -> user.equals(record.key()))
                                        .map(ConsumerRecord::value)
                                        .map(UsageState::getTokensUsed)
                                        .contains(300L));
        List<String> costs =
                TestKafka.readAll(Topics.SESSION_COST).stream()
                        .filter(record -> user.equals(record.key()))
                        .map(ConsumerRecord::value)
                        .map(SessionCost::getSessionId)
                        .toList();
        assertThat(costs).containsExactlyInAnyOrder("before-" + user, "during-" + user);
        assertThat(TestKafka.readAllRaw(Topics.SESSION_COMPLETED.deadLetterTopic()))
                .noneSatisfy(record -> assertThat(record.key()).isEqualTo(user));
    }

    void send(String sessionId, long tokens) {
        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session(sessionId).user(user).tokens(tokens).build());
    }

    long tokensUsed() {
        var response = new TestHttp(port).get("/api/usage/" + user, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body()).get("tokens_used").asLong();
    }
}
