package io.tokenmeter.metering.usage.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.UsageMeter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code grading.session-completed.v1} a poll batch at a time: one metering transaction
 * per batch, and the container commits the batch's offsets only after it returns, i.e. after the
 * database commit. A redelivery after a crash in between finds its sessions in the ledger.
 *
 * <p>A record that is invalid or undecodable stops the batch there: the records before it are
 * metered, then a {@link BatchListenerFailedException} tells the error handler which one failed, so
 * it commits the offsets before it, dead-letters it and redelivers the rest.
 */
@Component
class SessionCompletedConsumer {

    private final UsageMeter meter;
    private final Counter counted;
    private final Counter duplicates;

    SessionCompletedConsumer(UsageMeter meter, MeterRegistry registry) {
        this.meter = meter;
        this.counted =
                Counter.builder("tokenmeter.metering.sessions")
                        .tag("outcome", "counted")
                        .description("Grading sessions metered")
                        .register(registry);
        this.duplicates =
                Counter.builder("tokenmeter.metering.sessions")
                        .tag("outcome", "duplicate")
                        .description("Grading sessions metered")
                        .register(registry);
    }

    @KafkaListener(
            id = "session-completed",
            idIsGroup = false,
            topics = "#{T(io.tokenmeter.schemas.Topics).SESSION_COMPLETED.name()}",
            batch = "true",
            concurrency = "${tokenmeter.metering.consumer.concurrency}",
            properties = {
                "max.poll.records=${tokenmeter.metering.consumer.max-poll-records}",
                "fetch.min.bytes=${tokenmeter.metering.consumer.fetch-min-bytes}",
                "fetch.max.wait.ms=${tokenmeter.metering.consumer.fetch-max-wait-ms}",
                "max.partition.fetch.bytes=8388608"
            })
    void onSessionsCompleted(List<ConsumerRecord<String, Object>> records) {
        List<SessionUsage> sessions = new ArrayList<>(records.size());
        RuntimeException failure = null;
        for (ConsumerRecord<String, Object> record : records) {
            try {
                sessions.add(InboundRecords.session(record));
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
        }
        UsageMeter.Metered metered = meter.meter(sessions);
        counted.increment(metered.counted());
        duplicates.increment(metered.duplicates());
        if (failure != null) {
            throw new BatchListenerFailedException(failure.getMessage(), failure, sessions.size());
        }
    }
}
