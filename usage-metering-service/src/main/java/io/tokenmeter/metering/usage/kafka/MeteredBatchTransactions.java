package io.tokenmeter.metering.usage.kafka;

import static org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.usage.UsageEvents;
import io.tokenmeter.platform.kafka.DeadLetters;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * The transactional producer that metering's listeners run each batch in: the batch's records and
 * its consumed offsets commit together. Kept apart from the application's default producer, which
 * stays non-transactional for the other listeners and their dead letters.
 */
public final class MeteredBatchTransactions implements DisposableBean {

    /**
     * How long the broker waits before aborting a transaction its producer left open (a crashed
     * instance). Until then, read_committed consumers of the output partitions wait: shorter than
     * the client's default of a minute, far longer than a batch takes.
     */
    static final int TRANSACTION_TIMEOUT_MS = 15_000;

    /**
     * The producer's {@code retry.backoff.ms}. A transaction's first send to a partition whose
     * previous transaction's commit markers are still being written is refused
     * (CONCURRENT_TRANSACTIONS) and retried after this backoff; the default 100 ms would be paid by
     * nearly every back-to-back batch ({@code BackToBackTransactionBenchmark}).
     */
    public static final int RETRY_BACKOFF_MS = 5;

    private final DefaultKafkaProducerFactory<Object, Object> producers;
    private final KafkaTemplate<Object, Object> template;
    private final KafkaTransactionManager<Object, Object> transactionManager;
    private final DeadLetters deadLetters;
    private final int maxRecordBytes;

    /**
     * @param producerConfig the application's producer settings (serializers, bootstrap, acks)
     */
    public MeteredBatchTransactions(Map<String, Object> producerConfig, MeterRegistry registry) {
        Map<String, Object> config = new java.util.HashMap<>(producerConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        config.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        this.producers = new DefaultKafkaProducerFactory<>(config);
        // Unique per process: two instances must not share (and fence) transactional ids. The
        // consumer group's generation fences a zombie's offsets (EOS v2), not the id.
        producers.setTransactionIdPrefix("usage-metering-" + UUID.randomUUID() + "-");
        // Its client metrics in /actuator/prometheus, as Boot does for the default producer.
        producers.addListener(new MicrometerProducerListener<>(registry));
        // Bounded, so that shutdown never hangs on a broker that is already gone.
        producers.setPhysicalCloseTimeout(5);
        this.template = new KafkaTemplate<>(producers);
        this.transactionManager = new KafkaTransactionManager<>(producers);
        this.deadLetters = new DeadLetters(template, registry);
        // As the producer reads it: the setting, else Kafka's default.
        this.maxRecordBytes =
                (int) ProducerConfig.configDef().parse(config).get(MAX_REQUEST_SIZE_CONFIG);
    }

    /**
     * The largest record the producer sends ({@code max.request.size}). The output topics' {@code
     * max.message.bytes} must be at least as large.
     */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Sends a record to its dead-letter topic in the current thread's transaction. */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /** Sends in the current thread's transaction (the listener container's). */
    public KafkaTemplate<Object, Object> template() {
        return template;
    }

    /**
     * {@link UsageEvents} for metered batches: the records are sent in the Kafka transaction the
     * listener container runs the batch in, which also commits the batch's offsets. They become
     * visible together with the consumer's progress, or not at all, in which case the batch is
     * delivered again and announces what its database transaction had counted (see {@code
     * UsageStore#addToLedger}). A session's cost continues its delivery's trace ({@code
     * traceparent}).
     */
    public UsageEvents usageEvents() {
        return (costs, usage, crossings, at) -> {
            if (!template.inTransaction()) {
                // Outside the container's transaction the records would not be tied to its offsets.
                throw new IllegalStateException(
                        "metered batches are announced in a Kafka transaction");
            }
            OutboundRecords.records(costs, usage, crossings, at).forEach(template::send);
        };
    }

    public KafkaTransactionManager<Object, Object> transactionManager() {
        return transactionManager;
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
