package io.tokenmeter.notification;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Test data: what metering and the subscription service publish, and a way to publish it. */
final class Events {

    static final Instant PERIOD_START = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant PERIOD_END = Instant.parse("2027-01-01T00:00:00Z");

    private Events() {}

    static String newUser() {
        return "u_" + UUID.randomUUID().toString().substring(0, 12);
    }

    static UsageThresholdCrossed crossing(
            String user, int percent, long limit, Instant periodStart) {
        return UsageThresholdCrossed.newBuilder()
                .setUserId(user)
                .setThresholdPercent(percent)
                .setTokensUsed(limit * percent / 100)
                .setLimit(limit)
                .setPeriodStart(periodStart)
                .setCrossedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    static SubscriptionState state(
            String user, String tier, String status, boolean paymentFailed, Instant eventCreated) {
        boolean paid = !"FREE".equals(tier);
        return SubscriptionState.newBuilder()
                .setUserId(user)
                .setTier(tier)
                .setStatus(status)
                .setStripeCustomerId("cus_" + user)
                .setStripeSubscriptionId(paid ? "sub_" + user : null)
                .setPeriodStart(paid ? PERIOD_START : null)
                .setPeriodEnd(paid ? PERIOD_END : null)
                .setPaymentFailed(paymentFailed)
                .setUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setLastStripeEventCreated(eventCreated)
                .build();
    }

    /** A verified Stripe event as the ingress stores it. */
    static StripeWebhookEvent stripe(StripeEvent event, String customer) {
        Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        event.created(created);
        return StripeWebhookEvent.newBuilder()
                .setEventId(event.text("/id"))
                .setType(event.text("/type"))
                .setCreated(created)
                .setApiVersion(null)
                .setLivemode(false)
                .setCustomerId(customer)
                .setReceivedAt(created)
                .setPayload(event.json())
                .build();
    }

    static void publish(StripeWebhookEvent event) {
        TestKafka.send(Topics.STRIPE_WEBHOOK_EVENTS, event.getCustomerId(), event);
    }

    static void publish(UsageThresholdCrossed crossing) {
        TestKafka.send(Topics.USAGE_THRESHOLD, crossing.getUserId(), crossing);
    }

    static void publish(SubscriptionState state) {
        TestKafka.send(Topics.SUBSCRIPTION_STATE, state.getUserId(), state);
    }
}
