package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.metering.usage.UsageMeter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code billing.subscription-state.v1}: tiers and billing periods, applied a poll batch
 * per transaction. Tombstones (a compacted topic's deletions) carry no state and are skipped.
 */
@Component
class SubscriptionStateConsumer {

    private final UsageMeter meter;

    SubscriptionStateConsumer(UsageMeter meter) {
        this.meter = meter;
    }

    @KafkaListener(
            id = "subscription-state",
            idIsGroup = false,
            topics = "#{T(io.tokenmeter.schemas.Topics).SUBSCRIPTION_STATE.name()}",
            batch = "true")
    void onSubscriptionStates(List<ConsumerRecord<String, Object>> records) {
        List<SubscriptionChange> changes = new ArrayList<>(records.size());
        RuntimeException failure = null;
        int index = 0;
        for (ConsumerRecord<String, Object> record : records) {
            if (!InboundRecords.isTombstone(record)) {
                try {
                    changes.add(InboundRecords.subscriptionChange(record));
                } catch (RuntimeException e) {
                    failure = e;
                    break;
                }
            }
            index++;
        }
        meter.applySubscriptionChanges(changes);
        if (failure != null) {
            throw new BatchListenerFailedException(failure.getMessage(), failure, index);
        }
    }
}
