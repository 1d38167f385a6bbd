package io.tokenmeter.notification.alerts.kafka;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.notification.alerts.Subscription;
import io.tokenmeter.notification.alerts.ThresholdCrossing;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Maps consumed Avro records onto the core's types. A record that cannot be decoded or breaks the
 * contract becomes an exception the error handler dead-letters without retrying.
 */
final class InboundRecords {

    private static final LogAccessor LOG = new LogAccessor(InboundRecords.class);

    private InboundRecords() {}

    static ThresholdCrossing crossing(ConsumerRecord<String, Object> record) {
        if (!(decoded(record) instanceof UsageThresholdCrossed event)) {
            throw new InvalidRecordException(
                    "expected UsageThresholdCrossed, got "
                            + record.value().getClass().getSimpleName());
        }
        try {
            return new ThresholdCrossing(
                    event.getUserId(),
                    event.getThresholdPercent(),
                    event.getTokensUsed(),
                    event.getLimit(),
                    event.getPeriodStart(),
                    event.getCrossedAt());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRecordException("invalid UsageThresholdCrossed: " + e.getMessage());
        }
    }

    static Subscription subscription(ConsumerRecord<String, Object> record) {
        if (!(decoded(record) instanceof SubscriptionState state)) {
            throw new InvalidRecordException(
                    "expected SubscriptionState, got " + record.value().getClass().getSimpleName());
        }
        try {
            return new Subscription(
                    state.getUserId(),
                    state.getTier(),
                    state.getStatus(),
                    state.getPaymentFailed(),
                    state.getPeriodStart(),
                    state.getPeriodEnd(),
                    state.getUpdatedAt(),
                    state.getLastStripeEventCreated(),
                    version(state),
                    state.getStripeCustomerId());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRecordException("invalid SubscriptionState: " + e.getMessage());
        }
    }

    /** The state's version (0: published before versions existed). */
    static long version(SubscriptionState state) {
        return state.getVersion();
    }

    /**
     * Maps a poll batch up to its first bad record and hands what mapped to {@code apply} (one
     * transaction); then the bad record, if any, fails the batch from its index, so that the error
     * handler commits what precedes it and dead-letters that record only. Tombstones (a compacted
     * topic's deletions) carry nothing to tell and are skipped.
     */
    static <T> void mapThenApply(
            List<ConsumerRecord<String, Object>> records,
            Function<ConsumerRecord<String, Object>, T> mapping,
            Consumer<List<T>> apply) {
        List<T> mapped = new ArrayList<>(records.size());
        RuntimeException failure = null;
        int index = 0;
        for (ConsumerRecord<String, Object> record : records) {
            if (!isTombstone(record)) {
                try {
                    mapped.add(mapping.apply(record));
                } catch (RuntimeException e) {
                    failure = e;
                    break;
                }
            }
            index++;
        }
        if (!mapped.isEmpty()) {
            apply.accept(mapped);
        }
        if (failure != null) {
            throw new BatchListenerFailedException(failure.getMessage(), failure, index);
        }
    }

    private static boolean isTombstone(ConsumerRecord<String, Object> record) {
        return record.value() == null && deserializationFailure(record) == null;
    }

    private static Object decoded(ConsumerRecord<String, Object> record) {
        DeserializationException failure = deserializationFailure(record);
        if (failure != null) {
            throw failure;
        }
        if (record.value() == null) {
            throw new InvalidRecordException("a null value is no event");
        }
        return record.value();
    }

    private static DeserializationException deserializationFailure(
            ConsumerRecord<String, Object> record) {
        if (record.value() != null) {
            return null;
        }
        return SerializationUtils.getExceptionFromHeader(
                record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    }
}
