package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.platform.kafka.ConsumedRecords;
import io.tokenmeter.platform.kafka.DeadLetters;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code billing.subscription-state.v1}: tiers and billing periods, a poll batch per
 * transaction, in a Kafka transaction of its own ({@link TransactionalListenerConfiguration}) as
 * session batches are: what the states change is announced with the batch's offsets, and announced
 * again when a batch whose Kafka transaction was lost is delivered again. Tombstones (a compacted
 * topic's deletions) carry no state and are skipped; invalid or undecodable records go to the
 * dead-letter topic in the same transaction, and the rest of the batch is applied.
 */
@Component
class SubscriptionStateConsumer {

    private final UsageMeter meter;
    private final DeadLetters deadLetters;

    SubscriptionStateConsumer(UsageMeter meter, MeteredBatchTransactions transactions) {
        this.meter = meter;
        this.deadLetters = transactions.deadLetters();
    }

    @KafkaListener(
            id = "subscription-state",
            idIsGroup = false,
            containerFactory = TransactionalListenerConfiguration.CONTAINER_FACTORY,
            topics = "#{T(io.tokenmeter.schemas.Topics).SUBSCRIPTION_STATE.name()}",
            batch = "true")
    void onSubscriptionStates(
            List<ConsumerRecord<String, Object>> records, Consumer<?, ?> consumer) {
        List<SubscriptionChange> changes = new ArrayList<>(records.size());
        for (ConsumerRecord<String, Object> record : records) {
            if (ConsumedRecords.isTombstone(record)) {
                continue;
            }
            try {
                changes.add(InboundRecords.subscriptionChange(record));
            } catch (RuntimeException e) {
                deadLetters.accept(record, consumer, e);
            }
        }
        meter.applySubscriptionChanges(changes);
    }
}
