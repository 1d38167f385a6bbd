package io.tokenmeter.dashboard.kafka;

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
 * Maps a polled batch of records to core values. The read model is applied a batch at a time (one
 * transaction, one round trip) to keep up with thousands of states per second; a record that cannot
 * be decoded or breaks the contract fails the batch at its index, so the error handler commits what
 * precedes it, dead-letters that one record and carries on with the rest.
 */
public final class Batches {

    private static final LogAccessor LOG = new LogAccessor(Batches.class);

    private Batches() {}

    /**
     * Maps the batch's values of type {@code type} and applies them. Tombstones (null values
     * without a decoding failure) are skipped: nothing in the contract deletes a state.
     */
    @SuppressWarnings("unchecked")
    public static <V, T> void apply(
            List<ConsumerRecord<String, Object>> records,
            Class<V> type,
            Function<V, T> mapping,
            Consumer<List<T>> apply) {
        List<T> mapped;
        try {
            mapped = map(records, type, mapping);
        } catch (FailedAt failure) {
            if (!failure.before.isEmpty()) {
                apply.accept((List<T>) failure.before);
            }
            throw failure.exception;
        }
        if (!mapped.isEmpty()) {
            apply.accept(mapped);
        }
    }

    private static <V, T> List<T> map(
            List<ConsumerRecord<String, Object>> records, Class<V> type, Function<V, T> mapping) {
        List<T> mapped = new ArrayList<>(records.size());
        for (int index = 0; index < records.size(); index++) {
            ConsumerRecord<String, Object> record = records.get(index);
            Object value = record.value();
            if (value == null) {
                DeserializationException undecodable =
                        SerializationUtils.getExceptionFromHeader(
                                record,
                                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER,
                                LOG);
                if (undecodable != null) {
                    throw new FailedAt(
                            mapped,
                            new BatchListenerFailedException(
                                    "undecodable record", undecodable, index));
                }
                continue;
            }
            if (!type.isInstance(value)) {
                throw new FailedAt(
                        mapped,
                        invalid(
                                "expected a "
                                        + type.getSimpleName()
                                        + ", got a "
                                        + value.getClass(),
                                index));
            }
            try {
                mapped.add(mapping.apply(type.cast(value)));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new FailedAt(mapped, invalid(e.getMessage(), index));
            }
        }
        return mapped;
    }

    /** A batch failed at one record; {@code before} holds the values mapped before it. */
    private static final class FailedAt extends RuntimeException {

        private final transient List<?> before;
        private final BatchListenerFailedException exception;

        FailedAt(List<?> before, BatchListenerFailedException exception) {
            super(null, null, false, false);
            this.before = before;
            this.exception = exception;
        }
    }

    private static BatchListenerFailedException invalid(String reason, int index) {
        return new BatchListenerFailedException(
                "invalid record: " + reason, new InvalidRecordException(reason), index);
    }
}
