package io.tokenmeter.dashboard.status.kafka;

import io.tokenmeter.dashboard.status.StatusProjection;
import io.tokenmeter.dashboard.status.UsageSnapshot;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.platform.kafka.Batches;
import io.tokenmeter.schemas.Tier;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** {@code billing.usage-state.v1} → the status read model. */
@Component
class UsageStateConsumer {

    private final StatusProjection projection;

    UsageStateConsumer(StatusProjection projection) {
        this.projection = projection;
    }

    @KafkaListener(
            id = "dashboard-usage-state",
            topics = "#{T(io.tokenmeter.schemas.Topics).USAGE_STATE.name()}",
            idIsGroup = false,
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records, UsageState.class, UsageStateConsumer::snapshot, projection::usageReported);
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
