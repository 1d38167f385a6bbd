package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestKafka;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two metering instances on one database take reservations for the same users at the same time
 * (CONTRACT §3.5): each fresh FREE user gets exactly the three 30,000-token holds that fit in
 * 100,000, whichever instance each request reached, and the sessions metered afterwards settle
 * them.
 */
class ReservationsAcrossInstancesIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int USERS = 4;
    static final int ATTEMPTS_PER_USER = 20;

    static RunningSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.shared();
    }

    @Test
    void twoInstancesGrantEachUserOnlyTheHoldsThatFit() throws Exception {
        ServiceProcess second = system.startAnotherInstance("usage-metering-service");
        try {
            List<TestHttp> instances =
                    List.of(
                            new TestHttp(system.port("usage-metering-service")),
                            new TestHttp(second.definition().port()));
            String prefix = "u_reserve_e2e_" + System.nanoTime() + "_";
            Map<String, List<String>> granted = new ConcurrentHashMap<>();
            List<Integer> answers = new CopyOnWriteArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(USERS * ATTEMPTS_PER_USER);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> pending = new ArrayList<>();
                for (int attempt = 0; attempt < ATTEMPTS_PER_USER; attempt++) {
                    for (int u = 0; u < USERS; u++) {
                        String user = prefix + u;
                        String session = user + "-s" + attempt;
                        TestHttp instance = instances.get((attempt + u) % 2);
                        pending.add(
                                clients.submit(
                                        () -> {
                                            go.await();
                                            HttpResponse<String> answer =
                                                    reserve(instance, user, session, 30_000);
                                            answers.add(answer.statusCode());
                                            if (answer.statusCode() == 201) {
                                                granted.computeIfAbsent(
                                                                user,
                                                                k -> new CopyOnWriteArrayList<>())
                                                        .add(session);
                                            }
                                            return null;
                                        }));
                    }
                }
                go.countDown();
                for (Future<?> answer : pending) {
                    answer.get();
                }
            } finally {
                clients.shutdownNow();
            }

            assertThat(answers).containsOnly(201, 409);
            for (int u = 0; u < USERS; u++) {
                assertThat(granted.get(prefix + u)).as(prefix + u).hasSize(3);
                for (TestHttp instance : instances) {
                    JsonNode quota = quota(instance, prefix + u);
                    assertThat(quota.get("reserved_tokens").asLong()).isEqualTo(90_000);
                    assertThat(quota.get("remaining_tokens").asLong()).isEqualTo(10_000);
                }
            }

            granted.forEach(
                    (user, sessions) ->
                            sessions.forEach(
                                    session ->
                                            TestKafka.send(
                                                    Topics.SESSION_COMPLETED,
                                                    user,
                                                    SessionCompletedBuilder.session(session)
                                                            .user(user)
                                                            .tokens(30_000)
                                                            .build())));
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                for (int u = 0; u < USERS; u++) {
                                    JsonNode quota = quota(instances.get(u % 2), prefix + u);
                                    assertThat(quota.get("tokens_used").asLong()).isEqualTo(90_000);
                                    assertThat(quota.get("reserved_tokens").asLong()).isZero();
                                }
                            });
        } finally {
            // Gracefully: it leaves the consumer group at once, so the tests after this one do not
            // wait for its partitions until the group's session times out.
            second.close();
        }
    }

    static HttpResponse<String> reserve(TestHttp http, String user, String session, long tokens) {
        return http.send(
                http.request("/api/usage/" + user + "/reservations")
                        .header("Authorization", "Bearer " + RunningSystem.METERING_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"session_id\": \""
                                                + session
                                                + "\", \"tokens\": "
                                                + tokens
                                                + "}"))
                        .build());
    }

    static JsonNode quota(TestHttp http, String user) {
        HttpResponse<String> response =
                http.get("/api/usage/" + user, RunningSystem.METERING_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
