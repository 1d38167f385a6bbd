package io.tokenmeter.metering.reservation;

import static io.tokenmeter.testsupport.SessionCompletedBuilder.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestKafka;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reservations through HTTP, settled by sessions metered from Kafka (CONTRACT §3.5). */
@IntegrationTest(properties = "tokenmeter.metering.api-token=" + ReservationIntegrationTests.TOKEN)
class ReservationIntegrationTests {

    static final String TOKEN = "reservation-tests-token";
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @LocalManagementPort int managementPort;
    @Autowired JdbcTemplate jdbc;

    final String user = "u_" + UUID.randomUUID();

    @Test
    void twentyParallelGradingsOfAFreshFreeUserGetTheThreeHoldsThatFitAndSessionsSettleThem()
            throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String body = "{\"session_id\": \"g" + i + "-" + user + "\", \"tokens\": 30000}";
                pending.add(
                        clients.submit(
                                () -> {
                                    go.await();
                                    return reserve(body);
                                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> answer : pending) {
                answers.add(answer.get());
            }
        } finally {
            clients.shutdownNow();
        }

        List<HttpResponse<String>> granted =
                answers.stream().filter(a -> a.statusCode() == 201).toList();
        List<HttpResponse<String>> refused =
                answers.stream().filter(a -> a.statusCode() == 409).toList();
        assertThat(granted).hasSize(3);
        assertThat(refused).hasSize(17);
        JsonNode refusal = JSON.readTree(refused.get(0).body());
        assertThat(refused.get(0).headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("application/problem+json"));
        assertThat(refusal.get("type").asString()).endsWith("/quota-exceeded");
        assertThat(refusal.get("tier").asString()).isEqualTo("FREE");
        assertThat(refusal.get("remaining_tokens").asLong()).isEqualTo(10_000);
        assertThat(refusal.get("next_tier").asString()).isEqualTo("ESSENTIEL");
        JsonNode quota = quota();
        assertThat(quota.get("reserved_tokens").asLong()).isEqualTo(90_000);
        assertThat(quota.get("remaining_tokens").asLong()).isEqualTo(10_000);
        assertThat(quota.get("allowed").asBoolean()).isTrue();

        // The three gradings finish; one used more than it held.
        long[] used = {28_000, 30_000, 33_000};
        for (int i = 0; i < 3; i++) {
            String sessionId = JSON.readTree(granted.get(i).body()).get("session_id").asString();
            TestKafka.send(
                    Topics.SESSION_COMPLETED,
                    user,
                    session(sessionId).user(user).tokens(used[i]).build());
        }
        await().untilAsserted(
                        () -> {
                            JsonNode after = quota();
                            assertThat(after.get("tokens_used").asLong()).isEqualTo(91_000);
                            assertThat(after.get("reserved_tokens").asLong()).isZero();
                            assertThat(after.get("remaining_tokens").asLong()).isEqualTo(9_000);
                        });
        // Final usage: what was granted (90,000) plus the one session's own overrun (3,000).
        assertThat(quota().get("tokens_used").asLong()).isLessThanOrEqualTo(90_000 + 3_000);
        String metrics = new TestHttp(managementPort).get("/actuator/prometheus").body();
        assertThat(metrics)
                .contains(
                        "tokenmeter_reservations_total{application=\"usage-metering-service\",outcome=\"refused\"}")
                .contains("tokenmeter_reservations_overrun_tokens_count")
                .contains("tokenmeter_reservations_held_tokens");
    }

    @Test
    void theSameRequestAgainGetsTheSameHoldALargerOneRaisesItAndASmallerOneNeverShrinksIt() {
        String body = "{\"session_id\": \"s-" + user + "\", \"tokens\": 40000}";
        HttpResponse<String> first = reserve(body);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Location"))
                .hasValue("/api/usage/" + user + "/reservations/s-" + user);
        JsonNode hold = JSON.readTree(first.body());
        assertThat(hold.get("user_id").asString()).isEqualTo(user);
        assertThat(hold.get("tokens").asLong()).isEqualTo(40_000);
        assertThat(hold.get("remaining_tokens").asLong()).isEqualTo(60_000);

        HttpResponse<String> again = reserve(body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body())).isEqualTo(hold);

        HttpResponse<String> smaller =
                reserve("{\"session_id\": \"s-" + user + "\", \"tokens\": 1000}");
        assertThat(smaller.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(smaller.body()).get("tokens").asLong()).isEqualTo(40_000);

        HttpResponse<String> raised =
                reserve("{\"session_id\": \"s-" + user + "\", \"tokens\": 70000}");
        assertThat(raised.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(raised.body()).get("tokens").asLong()).isEqualTo(70_000);
        assertThat(JSON.readTree(raised.body()).get("remaining_tokens").asLong()).isEqualTo(30_000);

        HttpResponse<String> tooMuch =
                reserve("{\"session_id\": \"s-" + user + "\", \"tokens\": 100001}");
        assertThat(tooMuch.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(tooMuch.body()).get("type").asString())
                .endsWith("/quota-exceeded");
        assertThat(JSON.readTree(tooMuch.body()).get("remaining_tokens").asLong())
                .isEqualTo(30_000);
        assertThat(quota().get("reserved_tokens").asLong()).isEqualTo(70_000);
    }

    @Test
    void releasingAHoldGivesItsTokensBackAndAnswers204EveryTime() {
        assertThat(reserve("{\"session_id\": \"r-" + user + "\", \"tokens\": 50000}").statusCode())
                .isEqualTo(201);
        assertThat(quota().get("remaining_tokens").asLong()).isEqualTo(50_000);

        assertThat(release("r-" + user).statusCode()).isEqualTo(204);
        assertThat(quota().get("reserved_tokens").asLong()).isZero();
        assertThat(quota().get("remaining_tokens").asLong()).isEqualTo(100_000);
        assertThat(release("r-" + user).statusCode()).isEqualTo(204);
        assertThat(release("never-held-" + user).statusCode()).isEqualTo(204);
        assertThat(release("x".repeat(300)).statusCode()).isEqualTo(204);
    }

    @Test
    void aMeteredSessionIsAlreadySettledAndItsRedeliverySettlesNothingAgain() {
        String sessionId = "m-" + user;
        assertThat(
                        reserve("{\"session_id\": \"" + sessionId + "\", \"tokens\": 30000}")
                                .statusCode())
                .isEqualTo(201);
        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session(sessionId).user(user).tokens(20_000).build());
        await().untilAsserted(
                        () -> assertThat(quota().get("tokens_used").asLong()).isEqualTo(20_000));
        assertThat(quota().get("reserved_tokens").asLong()).isZero();

        HttpResponse<String> late =
                reserve("{\"session_id\": \"" + sessionId + "\", \"tokens\": 30000}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(late.body()).get("type").asString()).endsWith("/already-settled");

        // A hold on another session, then the first session delivered again: nothing settles.
        assertThat(reserve("{\"session_id\": \"n-" + user + "\", \"tokens\": 10000}").statusCode())
                .isEqualTo(201);
        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session(sessionId).user(user).tokens(20_000).build());
        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session("marker-" + user).user(user).tokens(1).build());
        await().untilAsserted(
                        () -> assertThat(quota().get("tokens_used").asLong()).isEqualTo(20_001));
        assertThat(quota().get("reserved_tokens").asLong()).isEqualTo(10_000);
    }

    @Test
    void refusesInvalidRequestsWithAProblemAndStoresNothing() {
        String id = "\"session_id\": \"b-" + user + "\"";
        List<String> bad =
                List.of(
                        "{" + id + "}",
                        "{" + id + ", \"tokens\": 0}",
                        "{" + id + ", \"tokens\": -5}",
                        "{" + id + ", \"tokens\": 1000000001}",
                        "{" + id + ", \"tokens\": 99999999999999999999999}",
                        "{" + id + ", \"tokens\": \"1000\"}",
                        "{" + id + ", \"tokens\": 10.5}",
                        "{" + id + ", \"tokens\": 1000, \"ttl_seconds\": 86401}",
                        "{" + id + ", \"tokens\": 1000, \"ttl_seconds\": 0}",
                        "{" + id + ", \"tokens\": 1000, \"ttl_seconds\": \"60\"}",
                        "{\"tokens\": 1000}",
                        "{\"session_id\": 42, \"tokens\": 1000}",
                        "{\"session_id\": \"" + "x".repeat(257) + "\", \"tokens\": 1000}",
                        "{\"session_id\": \"nul\\u0000\", \"tokens\": 1000}",
                        "[1, 2]",
                        "not json");
        for (String body : bad) {
            HttpResponse<String> answer = reserve(body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type"))
                    .as(body)
                    .hasValueSatisfying(
                            type -> assertThat(type).contains("application/problem+json"));
        }
        HttpResponse<String> longUser =
                new TestHttp(port)
                        .send(
                                post(
                                        "/api/usage/" + "u".repeat(257) + "/reservations",
                                        "{" + id + ", \"tokens\": 1000}"));
        assertThat(longUser.statusCode()).isEqualTo(400);
        assertThat(
                        jdbc.queryForObject(
                                "select count(*) from reservation where session_id like ?",
                                Long.class,
                                "%" + user + "%"))
                .isZero();
        assertThat(reserve("{" + id + ", \"tokens\": 1000, \"unknown\": [1]}").statusCode())
                .isEqualTo(201);
    }

    @Test
    void needsTheServiceToken() {
        HttpResponse<String> answer =
                new TestHttp(port)
                        .send(
                                new TestHttp(port)
                                        .request("/api/usage/" + user + "/reservations")
                                        .header("Content-Type", "application/json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"session_id\": \"a\", \"tokens\": 1}"))
                                        .build());
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(
                        new TestHttp(port)
                                .send(
                                        new TestHttp(port)
                                                .request("/api/usage/" + user + "/reservations/a")
                                                .DELETE()
                                                .build())
                                .statusCode())
                .isEqualTo(401);
    }

    /**
     * A request is observed once, as an HTTP request; Spring Security's per-filter observations
     * (SecurityObservationsAutoConfiguration) would cost more than the reservation itself.
     */
    @Test
    void aReservationIsObservedAsOneHttpRequestNotFilterByFilter() {
        assertThat(reserve("{\"session_id\": \"o-" + user + "\", \"tokens\": 1000}").statusCode())
                .isEqualTo(201);
        assertThat(new TestHttp(port).get("/api/usage/" + user, "not-the-token").statusCode())
                .isEqualTo(401);

        await().untilAsserted(
                        () -> {
                            String metrics =
                                    new TestHttp(managementPort).get("/actuator/prometheus").body();
                            assertThat(metrics)
                                    .contains(
                                            "http_server_requests_seconds_count{application=\"usage-metering-service\",error=\"none\",exception=\"none\",method=\"POST\",outcome=\"SUCCESS\",status=\"201\",uri=\"/api/usage/{userId}/reservations\"}")
                                    .contains("status=\"401\"")
                                    .doesNotContain("spring_security_");
                        });
    }

    HttpResponse<String> reserve(String body) {
        return new TestHttp(port).send(post("/api/usage/" + user + "/reservations", body));
    }

    HttpRequest post(String path, String body) {
        return new TestHttp(port)
                .request(path)
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    HttpResponse<String> release(String sessionId) {
        return new TestHttp(port)
                .send(
                        new TestHttp(port)
                                .request("/api/usage/" + user + "/reservations/" + sessionId)
                                .header("Authorization", "Bearer " + TOKEN)
                                .DELETE()
                                .build());
    }

    JsonNode quota() {
        HttpResponse<String> response = new TestHttp(port).get("/api/usage/" + user, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
