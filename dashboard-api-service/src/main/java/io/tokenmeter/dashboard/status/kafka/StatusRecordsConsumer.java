package io.tokenmeter.dashboard.status.kafka;

import io.tokenmeter.dashboard.status.StatusProjection;
import io.tokenmeter.dashboard.status.SubscriptionSnapshot;
import io.tokenmeter.dashboard.status.UsageSnapshot;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.platform.kafka.Batches;
import io.tokenmeter.schemas.Tier;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * {@code billing.subscription-state.v1} and {@code billing.usage-state.v1} → the status read model,
 * each through a listener container of its own.
 */
@Component
class StatusRecordsConsumer {

    private final StatusProjection projection;

    StatusRecordsConsumer(StatusProjection projection) {
        this.projection = projection;
    }

    @KafkaListener(
            id = "dashboard-subscription-state",
            topics = "#{T(io.tokenmeter.schemas.Topics).SUBSCRIPTION_STATE.name()}",
            idIsGroup = false,
            batch = "true")
    void onSubscriptionStates(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records,
                SubscriptionState.class,
                StatusRecordsConsumer::snapshot,
                projection::subscriptionsReported);
    }

    @KafkaListener(
            id = "dashboard-usage-state",
            topics = "#{T(io.tokenmeter.schemas.Topics).USAGE_STATE.name()}",
            idIsGroup = false,
            batch = "true")
    void onUsageStates(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records,
                UsageState.class,
                StatusRecordsConsumer::snapshot,
                projection::usageReported);
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

    static UsageSnapshot snapshot(UsageState state) {
        return new UsageSnapshot(
                state.getUserId(),
                Tier.parse(state.getTier()),
                state.getPeriodStart(),
                state.getPeriodEnd(),
                state.getTokensUsed(),
                state.getUpdatedAt(),
                state.getLimit());
    }
}
