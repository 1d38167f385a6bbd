package io.tokenmeter.dashboard;

import io.tokenmeter.events.CostBreakdown;
import io.tokenmeter.events.PhaseCost;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Test data: the states and costs the upstream services publish, and a way to publish them. */
public final class States {

    public static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
    public static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");
    public static final Instant JANUARY = Instant.parse("2027-01-01T00:00:00Z");

    private States() {}

    /** A user id nobody else in this JVM uses (the broker's topics are shared by test classes). */
    public static String newUser() {
        return "u_" + UUID.randomUUID().toString().substring(0, 12);
    }

    public static SubscriptionState subscription(
            String user, String tier, String status, Instant periodStart, Instant eventCreated) {
        return SubscriptionState.newBuilder()
                .setUserId(user)
                .setTier(tier)
                .setStatus(status)
                .setStripeCustomerId("cus_" + user)
                .setStripeSubscriptionId("sub_" + user)
                .setPeriodStart(periodStart)
                .setPeriodEnd(periodStart == null ? null : next(periodStart))
                .setPaymentFailed(false)
                .setUpdatedAt(eventCreated.plusMillis(5))
                .setLastStripeEventCreated(eventCreated)
                // Later Stripe times stand for later states in these tests.
                .setVersion(eventCreated.toEpochMilli())
                .build();
    }

    public static SubscriptionState pro(String user, Instant periodStart) {
        return subscription(user, "PRO", "active", periodStart, periodStart.plusSeconds(1));
    }

    public static UsageState usage(String user, String tier, Instant periodStart, long tokens) {
        return usage(user, tier, periodStart, tokens, Instant.now());
    }

    public static UsageState usage(
            String user, String tier, Instant periodStart, long tokens, Instant updatedAt) {
        return UsageState.newBuilder()
                .setUserId(user)
                .setTier(tier)
                .setPeriodStart(periodStart)
                .setPeriodEnd(periodStart == null ? null : next(periodStart))
                .setTokensUsed(tokens)
                .setLimit(0)
                .setUpdatedAt(updatedAt)
                .build();
    }

    public static SessionCost sessionCost(String session, String user, Instant completedAt) {
        return sessionCost(session, user, completedAt, 4200);
    }

    /** A session that used {@code totalTokens} (its phases and costs are the usual ones). */
    public static SessionCost sessionCost(
            String session, String user, Instant completedAt, long totalTokens) {
        return SessionCost.newBuilder()
                .setSessionId(session)
                .setUserId(user)
                .setCompletedAt(completedAt)
                .setTotalTokens(totalTokens)
                .setPhases(
                        List.of(
                                PhaseCost.newBuilder()
                                        .setPhase("grading")
                                        .setModel("gpt-4o")
                                        .setPromptTokens(3000)
                                        .setCachedTokens(500)
                                        .setCompletionTokens(700)
                                        .setCostUsd("0.014250")
                                        .build()))
                .setCostBreakdown(
                        CostBreakdown.newBuilder()
                                .setPromptCostUsd("0.007500")
                                .setCompletionCostUsd("0.007000")
                                .setCachedCostUsd("0.000625")
                                .setTotalCostUsd("0.014250")
                                .setCachedSavingsUsd("0.000625")
                                .build())
                .build();
    }

    public static void publish(SubscriptionState state) {
        TestKafka.send(Topics.SUBSCRIPTION_STATE, state.getUserId(), state);
    }

    public static void publish(UsageState state) {
        TestKafka.send(Topics.USAGE_STATE, state.getUserId(), state);
    }

    public static void publish(SessionCost cost) {
        TestKafka.send(Topics.SESSION_COST, cost.getUserId(), cost);
    }

    private static Instant next(Instant periodStart) {
        return periodStart.atZone(java.time.ZoneOffset.UTC).plusMonths(1).toInstant();
    }
}
