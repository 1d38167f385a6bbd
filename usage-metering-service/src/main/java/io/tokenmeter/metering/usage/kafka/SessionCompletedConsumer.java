package io.tokenmeter.metering.usage.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.platform.kafka.DeadLetters;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code grading.session-completed.v1} a poll batch at a time, each batch in a Kafka
 * transaction of its own ({@link TransactionalListenerConfiguration}): one metering transaction in
 * the database, then the batch's costs, usage states and threshold crossings are sent, and the
 * container commits them with the batch's offsets. A crash anywhere before that commit delivers the
 * batch again; its sessions are in the ledger, and it announces again what the lost transaction
 * would have (see {@code UsageStore#addToLedger}).
 *
 * <p>A record that is invalid or undecodable goes to the dead-letter topic in the same transaction,
 * and the rest of the batch is metered: the partition moves on. Invalid includes whatever would
 * fail the batch again on every delivery: ids too long for an index, and a session whose cost
 * record would be too large to send.
 */
@Component
class SessionCompletedConsumer {

    private final UsageMeter meter;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final int maxRecordBytes;
    private final Counter counted;
    private final Counter duplicates;

    SessionCompletedConsumer(
            UsageMeter meter,
            Clock clock,
            MeteredBatchTransactions transactions,
            MeterRegistry registry) {
        this.meter = meter;
        this.clock = clock;
        this.deadLetters = transactions.deadLetters();
        this.maxRecordBytes = transactions.maxRecordBytes();
        this.counted = sessions(registry, "counted");
        this.duplicates = sessions(registry, "duplicate");
    }

    private static Counter sessions(MeterRegistry registry, String outcome) {
        return Counter.builder("tokenmeter.metering.sessions")
                .tag("outcome", outcome)
                .description("Grading sessions metered")
                .register(registry);
    }

    @KafkaListener(
            id = "session-completed",
            idIsGroup = false,
            containerFactory = TransactionalListenerConfiguration.CONTAINER_FACTORY,
            topics = "#{T(io.tokenmeter.schemas.Topics).SESSION_COMPLETED.name()}",
            batch = "true",
            concurrency = "${tokenmeter.metering.consumer.concurrency}",
            properties = {
                "max.poll.records=${tokenmeter.metering.consumer.max-poll-records}",
                "fetch.min.bytes=${tokenmeter.metering.consumer.fetch-min-bytes}",
                "fetch.max.wait.ms=${tokenmeter.metering.consumer.fetch-max-wait-ms}",
                "max.partition.fetch.bytes=8388608"
            })
    void onSessionsCompleted(
            List<ConsumerRecord<String, Object>> records, Consumer<?, ?> consumer) {
        List<SessionUsage> sessions = new ArrayList<>(records.size());
        for (ConsumerRecord<String, Object> record : records) {
            try {
                sessions.add(announceable(record, InboundRecords.session(record, clock)));
            } catch (RuntimeException e) {
                deadLetters.accept(record, consumer, e);
            }
        }
        UsageMeter.Metered metered = meter.meter(sessions);
        counted.increment(metered.counted());
        duplicates.increment(metered.duplicates());
    }

    /**
     * The session, if its cost record is sure to fit in a Kafka record. One that might not would
     * fail its batch's transaction on every delivery, after its database transaction had counted
     * the whole batch: it is refused before that, as invalid.
     */
    private SessionUsage announceable(ConsumerRecord<String, Object> record, SessionUsage session) {
        long bytes = OutboundRecords.costRecordBytesAtMost(record, session);
        if (bytes > maxRecordBytes) {
            throw new InvalidRecordException(
                    "session "
                            + session.sessionId()
                            + " is too large to announce: its "
                            + session.phases().size()
                            + " phases' SessionCost could take "
                            + bytes
                            + " bytes, over the producer's max.request.size of "
                            + maxRecordBytes);
        }
        return session;
    }
}
