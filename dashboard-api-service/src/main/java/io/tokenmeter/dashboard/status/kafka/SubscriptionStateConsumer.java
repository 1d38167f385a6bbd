package io.tokenmeter.dashboard.status.kafka;

import io.tokenmeter.dashboard.status.StatusProjection;
import io.tokenmeter.dashboard.status.SubscriptionSnapshot;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.platform.kafka.Batches;
import io.tokenmeter.schemas.Tier;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** {@code billing.subscription-state.v1} → the status read model. */
@Component
class SubscriptionStateConsumer {

    private final StatusProjection projection;

    SubscriptionStateConsumer(StatusProjection projection) {
        this.projection = projection;
    }

    @KafkaListener(
            id = "dashboard-subscription-state",
            topics = "#{T(io.tokenmeter.schemas.Topics).SUBSCRIPTION_STATE.name()}",
            idIsGroup = false,
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records,
                SubscriptionState.class,
                SubscriptionStateConsumer::snapshot,
                projection::subscriptionsReported);
    }

    static SubscriptionSnapshot snapshot(SubscriptionState state) {
        return new SubscriptionSnapshot(
                state.getUserId(),
                Tier.parse(state.getTier()),
                state.getStatus(),
                state.getPeriodStart(),
                state.getPeriodEnd(),
                state.getPaymentFailed(),
                state.getUpdatedAt(),
                state.getLastStripeEventCreated(),
                state.getVersion());
    }
}
