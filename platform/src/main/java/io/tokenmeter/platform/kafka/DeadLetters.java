package io.tokenmeter.platform.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.schemas.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Sends a record that cannot be processed to {@code <topic>.DLT} on the same partition, with
 * spring-kafka's failure headers (exception class, message, original topic/partition/offset), and
 * counts it in {@code tokenmeter.kafka.dead.letters}. An undecodable record keeps its original
 * bytes, and the message header says why it could not be decoded; a decoded one is re-encoded with
 * today's schema.
 */
public class DeadLetters extends DeadLetterPublishingRecoverer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    static final String METRIC = "tokenmeter.kafka.dead.letters";

    private final MeterRegistry registry;

    public DeadLetters(KafkaOperations<Object, Object> template, MeterRegistry registry) {
        // spring-kafka 4 names dead-letter topics "<topic>-dlt" by default; the contract says
        // "<topic>.DLT" (CONTRACT §4), on the source record's partition.
        super(
                template,
                (record, exception) ->
                        new TopicPartition(
                                record.topic() + Topic.DEAD_LETTER_SUFFIX, record.partition()));
        this.registry = registry;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
        super.accept(record, consumer, exception);
        Throwable cause = rootCause(exception);
        log.warn(
                "dead-lettered {}-{}@{}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                cause.getMessage());
        Counter.builder(METRIC)
                .description("Records sent to a dead-letter topic")
                .tag("topic", record.topic())
                .tag("reason", cause.getClass().getSimpleName())
                .register(registry)
                .increment();
    }

    /**
     * The deserializer's failure says only "failed to deserialize"; why (which schema, what was
     * wrong) is in its cause, and belongs in the DLT's exception message header.
     */
    @Override
    protected ProducerRecord<Object, Object> createProducerRecord(
            ConsumerRecord<?, ?> record,
            TopicPartition partition,
            Headers headers,
            byte[] key,
            byte[] value) {
        DeserializationException failed = ConsumedRecords.deserializationFailure(record);
        if (failed != null && failed.getCause() != null && failed.getCause().getMessage() != null) {
            headers.remove(KafkaHeaders.DLT_EXCEPTION_MESSAGE);
            headers.add(
                    KafkaHeaders.DLT_EXCEPTION_MESSAGE,
                    (failed.getMessage() + ": " + failed.getCause().getMessage())
                            .getBytes(StandardCharsets.UTF_8));
        }
        return super.createProducerRecord(record, partition, headers, key, value);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null
                && !(cause instanceof DeserializationException)
                && !(cause instanceof InvalidRecordException)) {
            cause = cause.getCause();
        }
        return cause;
    }
}
