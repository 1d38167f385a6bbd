package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two metering instances in one consumer group: a second one joins in the middle of a stream
 * (rebalance), and is later killed outright (another rebalance, after a crash). Every user's total
 * is still exact, duplicates included.
 */
class MeteringRebalanceIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int USERS = 50;
    static final int SESSIONS = 6_000;

    static RunningSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.shared();
    }

    @Test
    void totalsStayExactAcrossARebalanceAndACrash() throws Exception {
        String prefix = "u_rebalance_" + System.nanoTime() + "_";
        Random random = new Random(42);
        List<SessionCompleted> stream = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        Instant at = Instant.now().minus(Duration.ofHours(1));
        for (int i = 0; i < SESSIONS; i++) {
            String user = prefix + random.nextInt(USERS);
            long tokens = 1 + random.nextInt(10);
            SessionCompleted session =
                    SessionCompletedBuilder.anySession()
                            .user(user)
                            .completedAt(at)
                            .tokens(tokens)
                            .build();
            stream.add(session);
            expected.merge(user, tokens, Long::sum);
            if (random.nextInt(50) == 0) {
                stream.add(session); // a duplicate delivery, counted once
            }
        }

        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produceSlowly(stream));
        await().atMost(Duration.ofSeconds(60)).until(() -> producedSoFar >= stream.size() / 4);
        ServiceProcess second = system.startAnotherInstance("usage-metering-service");
        int joinedAt = producedSoFar;
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                producedSoFar
                                        >= Math.min(stream.size(), joinedAt + stream.size() / 8));
        try {
            // The rebalance happened: the second instance metered part of the stream.
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sessionsCounted(second)).isPositive());
        } finally {
            second.kill();
        }
        producing.get();

        TestHttp metering = new TestHttp(system.port("usage-metering-service"));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            for (Map.Entry<String, Long> user : expected.entrySet()) {
                                String body =
                                        metering.get(
                                                        "/api/usage/" + user.getKey(),
                                                        RunningSystem.METERING_TOKEN)
                                                .body();
                                assertThat(JSON.readTree(body).get("tokens_used").asLong())
                                        .as(user.getKey())
                                        .isEqualTo(user.getValue());
                            }
                        });
    }

    /** What an instance's {@code tokenmeter_metering_sessions_total{outcome="counted"}} says. */
    private static double sessionsCounted(ServiceProcess instance) {
        String metrics =
                new TestHttp(instance.definition().port() + 1000) // its management port
                        .get("/actuator/prometheus")
                        .body();
        Matcher counted =
                Pattern.compile(
                                "^tokenmeter_metering_sessions_total\\{[^}]*outcome=\"counted\"[^}]*\\} (\\S+)$",
                                Pattern.MULTILINE)
                        .matcher(metrics);
        return counted.find() ? Double.parseDouble(counted.group(1)) : 0;
    }

    private static volatile int producedSoFar;

    private static void produceSlowly(List<SessionCompleted> stream) {
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            for (int i = 0; i < stream.size(); i++) {
                SessionCompleted session = stream.get(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.SESSION_COMPLETED.name(), session.getUserId(), session));
                producedSoFar = i + 1;
                // About 150 sessions a second: the stream outlasts an instance's startup.
                if (i % 15 == 0) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
