package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestJwts;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * CONTRACT rule 6 across the whole system: many users' Stripe lifecycles (renewals, failed payments
 * and their recovery, {@code invoice.paid} with its {@code invoice.payment_succeeded} twin a second
 * later), every event delivered one to three times, all deliveries shuffled together and signed
 * into the ingress. Afterwards the subscription service's state, the dashboard's status and
 * metering's plan agree for every user, and equal the lifecycle's end.
 *
 * <p>The deliveries are sent one at a time: the ingress keys a user's events by customer, so the
 * consumers see them in exactly the built order, whatever the machine's timing.
 */
class ShuffledStripeDeliveryIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration MONTH = Duration.ofDays(30);
    static final List<String> PAID_TIERS = List.of("ESSENTIEL", "PRO", "MAX");

    @Property(tries = 12, shrinking = ShrinkingMode.OFF)
    void everyReadModelEndsWhereTheSubscriptionServiceDoes(@ForAll("seeds") long seed)
            throws Exception {
        RunningSystem system = RunningSystem.shared();
        Random random = new Random(seed);
        List<Lifecycle> lifecycles = new ArrayList<>();
        List<StripeEvent> deliveries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Lifecycle lifecycle = Lifecycle.random(random);
            lifecycles.add(lifecycle);
            for (StripeEvent event : lifecycle.events) {
                int times = 1 + random.nextInt(3);
                for (int n = 0; n < times; n++) {
                    deliveries.add(event);
                }
            }
        }
        Collections.shuffle(deliveries, random);

        TestHttp ingress = new TestHttp(system.port("webhook-ingress-service"));
        for (StripeEvent event : deliveries) {
            deliver(ingress, event);
        }

        for (Lifecycle lifecycle : lifecycles) {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                View subscription = subscriptionService(system, lifecycle.user);
                                assertThat(subscription)
                                        .as("subscription service, seed %d", seed)
                                        .isEqualTo(lifecycle.expected());
                                assertThat(dashboard(system, lifecycle.user))
                                        .as("dashboard, seed %d", seed)
                                        .isEqualTo(subscription);
                                assertThat(metering(system, lifecycle.user))
                                        .as("metering, seed %d", seed)
                                        .isEqualTo(subscription.plan());
                            });
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    /** What every service must agree on; metering knows only the plan part. */
    record View(String tier, String status, boolean paymentFailed, Instant periodStart) {
        View plan() {
            return new View(tier, null, false, periodStart);
        }
    }

    /** One user's Stripe events in Stripe's order, and where they leave the user. */
    static final class Lifecycle {
        final String user = "u_shuffle_" + UUID.randomUUID().toString().substring(0, 8);
        final StripeScript stripe = new StripeScript(user);
        final List<StripeEvent> events = new ArrayList<>();
        String tier;
        String status = "active";
        boolean paymentFailed;
        Instant periodStart;

        static Lifecycle random(Random random) {
            Lifecycle lifecycle = new Lifecycle();
            Instant start =
                    Instant.now()
                            .minus(Duration.ofDays(400))
                            .plus(Duration.ofHours(random.nextInt(1000)))
                            .truncatedTo(ChronoUnit.SECONDS);
            lifecycle.subscribe(PAID_TIERS.get(random.nextInt(3)), start);
            int steps = 1 + random.nextInt(4);
            for (int i = 0; i < steps; i++) {
                switch (random.nextInt(3)) {
                    case 0 -> lifecycle.changeTier(PAID_TIERS.get(random.nextInt(3)));
                    case 1 -> lifecycle.renew();
                    default -> lifecycle.renewWithAFailedPaymentThenRecover();
                }
            }
            switch (random.nextInt(6)) {
                case 0 -> lifecycle.renewWithAFailedPayment();
                case 1 -> lifecycle.cancel();
                case 2, 3 -> lifecycle.renewWithAFailedPaymentThenRecover();
                default -> {}
            }
            return lifecycle;
        }

        View expected() {
            return new View(tier, status, paymentFailed, periodStart);
        }

        private Instant periodEnd() {
            return periodStart.plus(MONTH);
        }

        private String price() {
            return switch (tier) {
                case "ESSENTIEL" -> RunningSystem.PRICE_ESSENTIEL;
                case "PRO" -> RunningSystem.PRICE_PRO;
                default -> RunningSystem.PRICE_MAX;
            };
        }

        void subscribe(String newTier, Instant start) {
            tier = newTier;
            periodStart = start;
            events.add(stripe.checkoutCompleted(start));
            events.add(updated("customer.subscription.created", "active", start.plusSeconds(1)));
            paidWithTwin("subscription_create", start.plusSeconds(2));
        }

        void changeTier(String newTier) {
            tier = newTier;
            Instant at = periodStart.plus(Duration.ofDays(3));
            lastChange =
                    lastChange != null && !at.isAfter(lastChange)
                            ? lastChange.plus(Duration.ofHours(1))
                            : at;
            events.add(updated("customer.subscription.updated", status, lastChange));
        }

        private Instant lastChange;

        void renew() {
            periodStart = periodEnd();
            events.add(updated("customer.subscription.updated", "active", periodStart));
            paidWithTwin("subscription_cycle", periodStart.plusSeconds(1));
            status = "active";
        }

        /** Issue 13's order of events: the recovery's twin comes a second after its invoice. */
        void renewWithAFailedPaymentThenRecover() {
            renewWithAFailedPayment();
            Instant s = periodStart;
            events.add(updated("customer.subscription.updated", "active", s.plusSeconds(3)));
            String invoice = lastInvoice;
            events.add(
                    stripe.invoice(
                            "invoice.paid",
                            invoice,
                            "subscription_cycle",
                            periodStart,
                            periodEnd(),
                            s.plusSeconds(4)));
            events.add(
                    stripe.invoice(
                            "invoice.payment_succeeded",
                            invoice,
                            "subscription_cycle",
                            periodStart,
                            periodEnd(),
                            s.plusSeconds(5)));
            status = "active";
            paymentFailed = false;
        }

        private String lastInvoice;

        void renewWithAFailedPayment() {
            periodStart = periodEnd();
            Instant s = periodStart;
            events.add(updated("customer.subscription.updated", "active", s));
            lastInvoice = "in_e2e_" + UUID.randomUUID().toString().substring(0, 8);
            events.add(
                    stripe.invoice(
                            "invoice.payment_failed",
                            lastInvoice,
                            "subscription_cycle",
                            periodStart,
                            periodEnd(),
                            s.plusSeconds(1)));
            events.add(updated("customer.subscription.updated", "past_due", s.plusSeconds(1)));
            status = "past_due";
            paymentFailed = true;
        }

        void cancel() {
            Instant at = periodStart.plus(Duration.ofDays(10));
            if (lastChange != null && !at.isAfter(lastChange)) {
                at = lastChange.plus(Duration.ofHours(1));
            }
            events.add(
                    stripe.subscription(
                            "customer.subscription.deleted",
                            price(),
                            "canceled",
                            periodStart,
                            periodEnd(),
                            at));
            tier = "FREE";
            status = "canceled";
            paymentFailed = false;
            periodStart = null;
        }

        private StripeEvent updated(String type, String newStatus, Instant created) {
            return stripe.subscription(type, price(), newStatus, periodStart, periodEnd(), created);
        }

        private void paidWithTwin(String reason, Instant created) {
            String invoice = "in_e2e_" + UUID.randomUUID().toString().substring(0, 8);
            events.add(
                    stripe.invoice(
                            "invoice.paid", invoice, reason, periodStart, periodEnd(), created));
            events.add(
                    stripe.invoice(
                            "invoice.payment_succeeded",
                            invoice,
                            reason,
                            periodStart,
                            periodEnd(),
                            created.plusSeconds(1)));
        }
    }

    static void deliver(TestHttp ingress, StripeEvent event) {
        StripeEvent.SignedDelivery delivery =
                event.signedWith(RunningSystem.WEBHOOK_SECRET, Instant.now());
        HttpResponse<String> response =
                ingress.send(
                        ingress.request("/api/subscription/webhook")
                                .header("Content-Type", "application/json")
                                .header("Stripe-Signature", delivery.signatureHeader())
                                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.bodyBytes()))
                                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static View subscriptionService(RunningSystem system, String user) throws SQLException {
        TestDatabase database = system.database();
        try (Connection connection =
                        DriverManager.getConnection(
                                database.jdbcUrl(), database.username(), database.password());
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT tier, status, payment_failed, period_start"
                                        + " FROM subscription.user_subscription WHERE user_id = ?")) {
            query.setString(1, user);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp start = rs.getTimestamp("period_start");
                return new View(
                        rs.getString("tier"),
                        rs.getString("status"),
                        rs.getBoolean("payment_failed"),
                        start == null ? null : start.toInstant());
            }
        }
    }

    static View dashboard(RunningSystem system, String user) {
        TestHttp dashboard = new TestHttp(system.port("dashboard-api-service"));
        HttpResponse<String> response =
                dashboard.get("/api/subscription/status", TestJwts.user(user).token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode status = JSON.readTree(response.body());
        return new View(
                status.get("tier").asString(),
                status.get("status").asString(),
                status.get("payment_failed").asBoolean(),
                instant(status.get("subscription_start")));
    }

    static View metering(RunningSystem system, String user) {
        TestHttp metering = new TestHttp(system.port("usage-metering-service"));
        HttpResponse<String> response =
                metering.get("/api/usage/" + user, RunningSystem.METERING_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode usage = JSON.readTree(response.body());
        return new View(
                usage.get("tier").asString(), null, false, instant(usage.get("period_start")));
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.asString());
    }
}
