package io.tokenmeter.notification.alerts.kafka;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.notification.alerts.Subscription;
import io.tokenmeter.notification.alerts.ThresholdCrossing;

/** Maps consumed Avro events onto the core's types (decoding and batching: platform's Batches). */
final class InboundRecords {

    private InboundRecords() {}

    static ThresholdCrossing crossing(UsageThresholdCrossed event) {
        return new ThresholdCrossing(
                event.getUserId(),
                event.getThresholdPercent(),
                event.getTokensUsed(),
                event.getLimit(),
                event.getPeriodStart(),
                event.getCrossedAt());
    }

    static Subscription subscription(SubscriptionState state) {
        return new Subscription(
                state.getUserId(),
                state.getTier(),
                state.getStatus(),
                state.getPaymentFailed(),
                state.getPeriodStart(),
                state.getPeriodEnd(),
                state.getUpdatedAt(),
                state.getLastStripeEventCreated(),
                state.getVersion(),
                state.getStripeCustomerId());
    }
}
