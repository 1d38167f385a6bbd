package io.tokenmeter.metering.usage.kafka;

import io.micrometer.core.instrument.Counter;
import io.tokenmeter.platform.kafka.KafkaErrorHandlingAutoConfiguration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Delivers a rolled-back batch again, backing off as the other listeners do during a database
 * outage, and counts each redelivery in {@code tokenmeter.kafka.database.unavailable.retries} (a
 * batch is rolled back when the database or the broker cannot take it; invalid records never reach
 * that point).
 */
class CountingAfterRollbackProcessor extends DefaultAfterRollbackProcessor<Object, Object> {

    private final Counter redeliveries;

    CountingAfterRollbackProcessor(MeteredBatchTransactions transactions, Counter redeliveries) {
        super(
                transactions.deadLetters(),
                KafkaErrorHandlingAutoConfiguration.untilTheDatabaseAnswers(),
                transactions.template(),
                true);
        this.redeliveries = redeliveries;
    }

    @Override
    public void processBatch(
            ConsumerRecords<Object, Object> records,
            List<ConsumerRecord<Object, Object>> recordList,
            Consumer<Object, Object> consumer,
            MessageListenerContainer container,
            Exception exception,
            boolean recoverable,
            EOSMode eosMode) {
        redeliveries.increment();
        super.processBatch(
                records, recordList, consumer, container, exception, recoverable, eosMode);
    }
}
