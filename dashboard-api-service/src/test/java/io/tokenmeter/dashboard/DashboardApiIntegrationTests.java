package io.tokenmeter.dashboard;

import static io.tokenmeter.dashboard.States.DECEMBER;
import static io.tokenmeter.dashboard.States.JANUARY;
import static io.tokenmeter.dashboard.States.NOVEMBER;
import static io.tokenmeter.dashboard.States.newUser;
import static io.tokenmeter.dashboard.States.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestJwts;
import io.tokenmeter.testsupport.TestKafka;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The contract's endpoints against the read model fed through the real broker. */
@IntegrationTest(
        properties = {
            "AUTH_JWT_SECRET=" + TestJwts.SECRET,
            "spring.kafka.consumer.group-id=dashboard-api-tests-${random.uuid}"
        })
class DashboardApiIntegrationTests {

    @LocalServerPort int port;

    @Autowired JsonMapper json;

    TestHttp http() {
        return new TestHttp(port);
    }

    JsonNode status(String user) {
        HttpResponse<String> response =
                http().get("/api/subscription/status", TestJwts.user(user).token());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    @Test
    void answersAUserNobodyHasHeardOfAsFreeWithNothingUsed() {
        String user = newUser();

        JsonNode status = status(user);

        assertThat(status.propertyNames())
                .containsExactlyInAnyOrder(
                        "user_id",
                        "tier",
                        "status",
                        "tokens_used",
                        "monthly_limit",
                        "remaining_tokens",
                        "usage_percent",
                        "has_monthly_reset",
                        "subscription_start",
                        "subscription_end",
                        "payment_failed",
                        "as_of",
                        "estimated_sessions_remaining");
        assertThat(status.get("user_id").asString()).isEqualTo(user);
        assertThat(status.get("tier").asString()).isEqualTo("FREE");
        assertThat(status.get("status").asString()).isEqualTo("free");
        assertThat(status.get("tokens_used").asLong()).isZero();
        assertThat(status.get("monthly_limit").asLong()).isEqualTo(100_000);
        assertThat(status.get("remaining_tokens").asLong()).isEqualTo(100_000);
        assertThat(status.get("usage_percent").asDouble()).isZero();
        assertThat(status.get("has_monthly_reset").asBoolean()).isFalse();
        assertThat(status.get("subscription_start").isNull()).isTrue();
        assertThat(status.get("subscription_end").isNull()).isTrue();
        assertThat(status.get("payment_failed").asBoolean()).isFalse();
        assertThat(Instant.parse(status.get("as_of").asString())).isBeforeOrEqualTo(Instant.now());
        assertThat(status.get("estimated_sessions_remaining").isNull()).isTrue();
    }

    @Test
    void estimatesTheSessionsLeftFromTheMeanOfTheLatestTwentySessions() {
        String user = newUser();
        publish(States.pro(user, NOVEMBER));
        publish(States.usage(user, "PRO", NOVEMBER, 1_234_567));
        await().untilAsserted(
                        () ->
                                assertThat(status(user).get("tokens_used").asLong())
                                        .isEqualTo(1_234_567));
        // Cached now, without an estimate: the sessions' arrival alone must refresh it.
        assertThat(status(user).get("estimated_sessions_remaining").isNull()).isTrue();

        // 21 sessions: the oldest (1,000,000 tokens) is not among the latest 20, which used
        // 2,576,000 tokens in all (128,800 on average).
        Instant at = Instant.parse("2026-11-02T00:00:00Z");
        publish(States.sessionCost("old_" + user, user, at, 1_000_000));
        for (int i = 1; i <= 20; i++) {
            publish(
                    States.sessionCost(
                            "s" + i + "_" + user,
                            user,
                            at.plusSeconds(i),
                            i <= 10 ? 100_000 : 157_600));
        }

        // 4,765,433 remaining × 20 sessions ÷ 2,576,000 tokens = 36.998…
        await().untilAsserted(
                        () ->
                                assertThat(
                                                status(user)
                                                        .get("estimated_sessions_remaining")
                                                        .asLong())
                                        .isEqualTo(36));
        assertThat(status(user).get("remaining_tokens").asLong()).isEqualTo(4_765_433);
    }

    @Test
    void joinsTheSubscriptionsTierAndPeriodWithThePeriodsUsage() {
        String user = newUser();
        Instant usageAt = Instant.parse("2026-11-25T17:30:00.123Z");
        publish(States.pro(user, NOVEMBER));
        publish(States.usage(user, "PRO", NOVEMBER, 1_234_567, usageAt));

        await().untilAsserted(
                        () ->
                                assertThat(status(user).get("tokens_used").asLong())
                                        .isEqualTo(1_234_567));
        JsonNode status = status(user);

        assertThat(status.get("tier").asString()).isEqualTo("PRO");
        assertThat(status.get("status").asString()).isEqualTo("active");
        assertThat(status.get("monthly_limit").asLong()).isEqualTo(6_000_000);
        assertThat(status.get("remaining_tokens").asLong()).isEqualTo(4_765_433);
        assertThat(status.get("usage_percent").asDouble()).isEqualTo(20.58);
        assertThat(status.get("has_monthly_reset").asBoolean()).isTrue();
        assertThat(status.get("subscription_start").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(status.get("subscription_end").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(status.get("as_of").asString()).isEqualTo("2026-11-25T17:30:00.123Z");
    }

    @Test
    void neitherAnOlderSubscriptionStateNorAnOlderPeriodsUsageRollsTheStatusBack() {
        String user = newUser();
        publish(States.pro(user, DECEMBER));
        publish(
                States.usage(
                        user, "PRO", DECEMBER, 700_000, Instant.parse("2026-12-10T00:00:00Z")));
        // Late: the November subscription state and a November usage state, then a stale December
        // count; a final marker tells when all of them have been consumed.
        publish(States.pro(user, NOVEMBER));
        publish(
                States.usage(
                        user, "PRO", NOVEMBER, 5_900_000, Instant.parse("2026-12-11T00:00:00Z")));
        publish(
                States.usage(
                        user, "PRO", DECEMBER, 600_000, Instant.parse("2026-12-09T00:00:00Z")));
        String marker = newUser();
        publish(States.usage(marker, "FREE", null, 1));
        await().untilAsserted(
                        () -> assertThat(status(marker).get("tokens_used").asLong()).isEqualTo(1));

        JsonNode status = status(user);
        assertThat(status.get("subscription_start").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(status.get("tokens_used").asLong()).isEqualTo(700_000);
    }

    @Test
    void aRenewalStartsTheNewPeriodFromZeroUntilItsUsageArrives() {
        String user = newUser();
        publish(States.pro(user, NOVEMBER));
        publish(States.usage(user, "PRO", NOVEMBER, 5_000_000));
        await().untilAsserted(
                        () ->
                                assertThat(status(user).get("tokens_used").asLong())
                                        .isEqualTo(5_000_000));

        publish(States.pro(user, DECEMBER));

        await().untilAsserted(
                        () ->
                                assertThat(status(user).get("subscription_start").asString())
                                        .isEqualTo("2026-12-01T00:00:00Z"));
        assertThat(status(user).get("tokens_used").asLong()).isZero();
        assertThat(status(user).get("subscription_end").asString()).isEqualTo(JANUARY.toString());
    }

    @Test
    void answers304WhileNothingChanged() {
        String user = newUser();
        String token = TestJwts.user(user).token();
        HttpResponse<String> first = http().get("/api/subscription/status", token);
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again =
                http().send(
                                http().request("/api/subscription/status")
                                        .header("Authorization", "Bearer " + token)
                                        .header("If-None-Match", etag)
                                        .GET()
                                        .build());

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        publish(States.usage(user, "FREE", null, 10));
        await().untilAsserted(
                        () ->
                                assertThat(
                                                http().send(
                                                                http().request(
                                                                                "/api/subscription/status")
                                                                        .header(
                                                                                "Authorization",
                                                                                "Bearer " + token)
                                                                        .header(
                                                                                "If-None-Match",
                                                                                etag)
                                                                        .GET()
                                                                        .build())
                                                        .statusCode())
                                        .isEqualTo(200));
    }

    @Test
    void refusesARequestWithoutATokenWithAProblem() {
        HttpResponse<String> response = http().get("/api/subscription/status");

        assertUnauthorized(response);
        assertThat(response.body()).contains("needs a bearer token");
    }

    @Test
    void refusesAnExpiredToken() {
        assertUnauthorized(
                http().get("/api/subscription/status", TestJwts.user(newUser()).expired().token()));
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        String forged =
                TestJwts.user(newUser()).signedWith("another-secret-another-secret-0123456789ab");

        assertUnauthorized(http().get("/api/subscription/status", forged));
        assertUnauthorized(http().get("/api/sessions/s_1/cost", forged));
    }

    @Test
    void refusesAValidTokenWhoseSignatureWasTamperedWith() {
        String token = TestJwts.user(newUser()).token();
        // Warm the verified-token cache with the genuine token first.
        assertThat(http().get("/api/subscription/status", token).statusCode()).isEqualTo(200);
        char last = token.charAt(token.length() - 2);
        String tampered =
                token.substring(0, token.length() - 2)
                        + (last == 'A' ? 'B' : 'A')
                        + token.charAt(token.length() - 1);

        assertUnauthorized(http().get("/api/subscription/status", tampered));
    }

    private void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    @Test
    void showsASessionsCostToItsOwnerOnly() {
        String owner = newUser();
        String session = "s_" + owner;
        publish(States.sessionCost(session, owner, Instant.parse("2026-11-20T10:00:00Z")));
        String path = "/api/sessions/" + session + "/cost";
        await().untilAsserted(
                        () ->
                                assertThat(
                                                http().get(path, TestJwts.user(owner).token())
                                                        .statusCode())
                                        .isEqualTo(200));

        JsonNode cost = json.readTree(http().get(path, TestJwts.user(owner).token()).body());
        assertThat(cost)
                .isEqualTo(
                        json.readTree(
                                """
                                { "session_id": "%s", "user_id": "%s",
                                  "completed_at": "2026-11-20T10:00:00Z", "total_tokens": 4200,
                                  "phases": [ {"phase": "grading", "model": "gpt-4o",
                                      "prompt_tokens": 3000, "cached_tokens": 500,
                                      "completion_tokens": 700, "cost_usd": "0.014250"} ],
                                  "cost_breakdown": { "prompt_cost_usd": "0.007500",
                                      "completion_cost_usd": "0.007000",
                                      "cached_cost_usd": "0.000625", "total_cost_usd": "0.014250",
                                      "cached_savings_usd": "0.000625" } }
                                """
                                        .formatted(session, owner)));

        HttpResponse<String> foreign = http().get(path, TestJwts.user(newUser()).token());
        HttpResponse<String> unknown =
                http().get("/api/sessions/s_nobody/cost", TestJwts.user(owner).token());
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(foreign.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
        assertThat(json.readTree(foreign.body()).get("detail"))
                .isEqualTo(json.readTree(unknown.body()).get("detail"));
    }

    @Test
    void aSubjectDifferingOnlyInLetterCaseIsAnotherUser() {
        String owner = "u_CaseSensitive_" + newUser();
        String twin = owner.toLowerCase(java.util.Locale.ROOT);
        publish(States.pro(owner, NOVEMBER));
        publish(States.usage(owner, "PRO", NOVEMBER, 42_000));
        publish(States.sessionCost("s_" + owner, owner, Instant.now()));
        await().untilAsserted(
                        () ->
                                assertThat(status(owner).get("tokens_used").asLong())
                                        .isEqualTo(42_000));
        await().untilAsserted(
                        () ->
                                assertThat(
                                                http().get(
                                                                "/api/sessions/s_"
                                                                        + owner
                                                                        + "/cost",
                                                                TestJwts.user(owner).token())
                                                        .statusCode())
                                        .isEqualTo(200));

        JsonNode twinStatus = status(twin);
        assertThat(twinStatus.get("user_id").asString()).isEqualTo(twin);
        assertThat(twinStatus.get("tier").asString()).isEqualTo("FREE");
        assertThat(twinStatus.get("tokens_used").asLong()).isZero();
        assertThat(
                        http().get(
                                        "/api/sessions/s_" + owner + "/cost",
                                        TestJwts.user(twin).token())
                                .statusCode())
                .isEqualTo(404);
        assertThat(http().get("/api/sessions", TestJwts.user(twin).token()).body()).isEqualTo("[]");
    }

    @Test
    void listsTheUsersRecentSessionsNewestFirst() {
        String user = newUser();
        publish(States.sessionCost("s_old_" + user, user, Instant.parse("2026-11-20T10:00:00Z")));
        publish(States.sessionCost("s_new_" + user, user, Instant.parse("2026-11-21T10:00:00Z")));
        publish(
                States.sessionCost(
                        "s_other_" + user, newUser(), Instant.parse("2026-11-22T10:00:00Z")));

        await().untilAsserted(
                        () -> {
                            JsonNode sessions =
                                    json.readTree(
                                            http().get("/api/sessions", TestJwts.user(user).token())
                                                    .body());
                            assertThat(sessions.findValuesAsString("session_id"))
                                    .containsExactly("s_new_" + user, "s_old_" + user);
                        });
    }

    @Test
    void deadLettersAnUndecodableStateAndCarriesOn() {
        String user = newUser();
        TestKafka.send(Topics.USAGE_STATE.name(), user, new byte[] {1, 2, 3});
        publish(States.usage(user, "FREE", null, 77));

        await().untilAsserted(
                        () -> assertThat(status(user).get("tokens_used").asLong()).isEqualTo(77));
        await().untilAsserted(
                        () ->
                                assertThat(
                                                TestKafka.readAllRaw(
                                                        Topics.USAGE_STATE.deadLetterTopic()))
                                        .anySatisfy(
                                                record ->
                                                        assertThat(record.key()).isEqualTo(user)));
    }
}
