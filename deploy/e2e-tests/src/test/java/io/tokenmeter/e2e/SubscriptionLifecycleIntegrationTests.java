package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestJwts;
import io.tokenmeter.testsupport.TestKafka;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One user's whole life through all four services, driven only through the contract: signed
 * webhooks into the ingress, {@code SessionCompleted} events into Kafka, and the dashboard's and
 * the metering service's HTTP answers out. FREE → checkout → PRO → usage → renewal resets → payment
 * failed → recovered → upgrade to MAX mid-period → cancel → FREE.
 */
class SubscriptionLifecycleIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant T0 =
            Instant.now().minus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS);

    static RunningSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.shared();
    }

    @Test
    void aUserGoesFromFreeThroughProAndMaxBackToFree() {
        String user = "u_lifecycle_" + System.nanoTime();
        StripeScript stripe = new StripeScript(user);
        Instant period1Start = T0.plus(Duration.ofDays(2));
        Instant period1End = T0.plus(Duration.ofDays(32));
        Instant period2End = T0.plus(Duration.ofDays(62));

        // Never heard of: FREE with nothing used.
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("tier").asString()).isEqualTo("FREE");
                    assertThat(status.get("tokens_used").asLong()).isZero();
                    assertThat(status.get("monthly_limit").asLong()).isEqualTo(100_000);
                });

        // FREE usage: counts against the one-shot allowance.
        SessionCompleted freeSession = session(user, T0.plus(Duration.ofDays(1)), 30_000);
        publish(freeSession);
        assertStatus(
                user, status -> assertThat(status.get("tokens_used").asLong()).isEqualTo(30_000));

        // Checkout → PRO for period 1.
        deliver(stripe.checkoutCompleted(period1Start));
        deliver(
                stripe.subscription(
                        "customer.subscription.created",
                        RunningSystem.PRICE_PRO,
                        "active",
                        period1Start,
                        period1End,
                        period1Start.plusSeconds(1)));
        deliver(
                stripe.invoice(
                        "invoice.paid",
                        "subscription_create",
                        period1Start,
                        period1End,
                        period1Start.plusSeconds(2)));
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("tier").asString()).isEqualTo("PRO");
                    assertThat(status.get("status").asString()).isEqualTo("active");
                    assertThat(status.get("monthly_limit").asLong()).isEqualTo(6_000_000);
                    assertThat(status.get("has_monthly_reset").asBoolean()).isTrue();
                    assertThat(status.get("subscription_start").asString())
                            .isEqualTo(period1Start.toString());
                    assertThat(status.get("tokens_used").asLong()).isZero();
                });

        // Usage in period 1, priced per session.
        SessionCompleted proSession =
                SessionCompletedBuilder.anySession()
                        .user(user)
                        .completedAt(T0.plus(Duration.ofDays(5)))
                        .phase("grading", "gpt-4o", 1_000_000, 0, 0)
                        .build();
        publish(proSession);
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("tokens_used").asLong()).isEqualTo(1_000_000);
                    assertThat(status.get("remaining_tokens").asLong()).isEqualTo(5_000_000);
                });
        await().untilAsserted(
                        () -> {
                            HttpResponse<String> cost =
                                    dashboard()
                                            .get(
                                                    "/api/sessions/"
                                                            + proSession.getSessionId()
                                                            + "/cost",
                                                    token(user));
                            assertThat(cost.statusCode()).isEqualTo(200);
                            JsonNode body = JSON.readTree(cost.body());
                            assertThat(body.get("total_tokens").asLong()).isEqualTo(1_000_000);
                            assertThat(body.at("/cost_breakdown/total_cost_usd").asString())
                                    .matches("\\d+\\.\\d{6}");
                        });

        // Renewal: period 2 starts, usage starts again from 0.
        deliver(
                stripe.subscription(
                        "customer.subscription.updated",
                        RunningSystem.PRICE_PRO,
                        "active",
                        period1End,
                        period2End,
                        period1End.plusSeconds(1)));
        deliver(
                stripe.invoice(
                        "invoice.paid",
                        "subscription_cycle",
                        period1End,
                        period2End,
                        period1End.plusSeconds(2)));
        publish(session(user, T0.plus(Duration.ofDays(33)), 200_000));
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("subscription_start").asString())
                            .isEqualTo(period1End.toString());
                    assertThat(status.get("tokens_used").asLong()).isEqualTo(200_000);
                });

        // Payment failed, then recovered.
        Instant failedAt = T0.plus(Duration.ofDays(40));
        deliver(
                stripe.invoice(
                        "invoice.payment_failed",
                        "subscription_cycle",
                        period1End,
                        period2End,
                        failedAt));
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("payment_failed").asBoolean()).isTrue();
                    assertThat(status.get("tier").asString()).isEqualTo("PRO");
                });
        deliver(
                stripe.invoice(
                        "invoice.paid",
                        "subscription_cycle",
                        period1End,
                        period2End,
                        failedAt.plus(Duration.ofDays(1))));
        assertStatus(
                user, status -> assertThat(status.get("payment_failed").asBoolean()).isFalse());

        // Upgrade to MAX mid-period: same period, same usage, bigger limit.
        deliver(
                stripe.subscription(
                        "customer.subscription.updated",
                        RunningSystem.PRICE_MAX,
                        "active",
                        period1End,
                        period2End,
                        T0.plus(Duration.ofDays(45))));
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("tier").asString()).isEqualTo("MAX");
                    assertThat(status.get("monthly_limit").asLong()).isEqualTo(24_000_000);
                    assertThat(status.get("tokens_used").asLong()).isEqualTo(200_000);
                });
        await().untilAsserted(
                        () -> {
                            JsonNode quota =
                                    JSON.readTree(
                                            metering()
                                                    .get(
                                                            "/api/usage/" + user,
                                                            RunningSystem.METERING_TOKEN)
                                                    .body());
                            assertThat(quota.get("tier").asString()).isEqualTo("MAX");
                            assertThat(quota.get("tokens_used").asLong()).isEqualTo(200_000);
                            assertThat(quota.get("allowed").asBoolean()).isTrue();
                        });

        // Cancel: back to FREE, counted against the lifetime FREE allowance again.
        deliver(
                stripe.subscription(
                        "customer.subscription.deleted",
                        RunningSystem.PRICE_MAX,
                        "canceled",
                        period1End,
                        period2End,
                        T0.plus(Duration.ofDays(50))));
        assertStatus(
                user,
                status -> {
                    assertThat(status.get("tier").asString()).isEqualTo("FREE");
                    assertThat(status.get("status").asString()).isEqualTo("canceled");
                    assertThat(status.get("monthly_limit").asLong()).isEqualTo(100_000);
                    assertThat(status.get("tokens_used").asLong()).isEqualTo(30_000);
                    assertThat(status.get("subscription_start").isNull()).isTrue();
                });
    }

    static SessionCompleted session(String user, Instant completedAt, long tokens) {
        return SessionCompletedBuilder.anySession()
                .user(user)
                .completedAt(completedAt)
                .tokens(tokens)
                .build();
    }

    static void publish(SessionCompleted session) {
        TestKafka.send(Topics.SESSION_COMPLETED, session.getUserId(), session);
    }

    static void deliver(StripeEvent event) {
        ShuffledStripeDeliveryIntegrationTests.deliver(
                new TestHttp(RunningSystem.current().port("webhook-ingress-service")), event);
    }

    static void assertStatus(String user, java.util.function.Consumer<JsonNode> expectations) {
        await().untilAsserted(
                        () -> {
                            HttpResponse<String> response =
                                    dashboard().get("/api/subscription/status", token(user));
                            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                            expectations.accept(JSON.readTree(response.body()));
                        });
    }

    static String token(String user) {
        return TestJwts.user(user).token();
    }

    static TestHttp dashboard() {
        return new TestHttp(RunningSystem.current().port("dashboard-api-service"));
    }

    static TestHttp metering() {
        return new TestHttp(RunningSystem.current().port("usage-metering-service"));
    }
}
