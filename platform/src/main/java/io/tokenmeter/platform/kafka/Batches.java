package io.tokenmeter.platform.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Maps a polled batch of records to core values. The read model is applied a batch at a time (one
 * transaction, one round trip) to keep up with thousands of states per second; a record that cannot
 * be decoded or breaks the contract fails the batch at its index, so the error handler commits what
 * precedes it, dead-letters that one record and carries on with the rest.
 *
 * <p>When applying the batch fails for another reason than the database being unavailable (a value
 * the database refuses, say), the records are applied one by one to find the one that fails: the
 * batch fails at its index, as above, instead of dead-lettering every record with it. An
 * unavailable database fails the batch as a whole, for the outage path to retry.
 */
public final class Batches {

    private static final LogAccessor LOG = new LogAccessor(Batches.class);

    private Batches() {}

    /**
     * Maps the batch's values of type {@code type} and applies them. Tombstones (null values
     * without a decoding failure) are skipped: nothing in the contract deletes a state.
     */
    public static <V, T> void apply(
            List<ConsumerRecord<String, Object>> records,
            Class<V> type,
            Function<V, T> mapping,
            Consumer<List<T>> apply) {
        apply(records, type, (record, value) -> mapping.apply(value), apply);
    }

    /** As {@link #apply(List, Class, Function, Consumer)}, the mapping also seeing the record. */
    public static <V, T> void apply(
            List<ConsumerRecord<String, Object>> records,
            Class<V> type,
            BiFunction<ConsumerRecord<String, Object>, V, T> mapping,
            Consumer<List<T>> apply) {
        List<T> mapped = new ArrayList<>(records.size());
        List<Integer> indexes = new ArrayList<>(records.size());
        BatchListenerFailedException failed = null;
        for (int index = 0; index < records.size() && failed == null; index++) {
            ConsumerRecord<String, Object> record = records.get(index);
            if (ConsumedRecords.isTombstone(record)) {
                continue;
            }
            try {
                mapped.add(mapping.apply(record, ConsumedRecords.value(record, type)));
                indexes.add(index);
            } catch (DeserializationException undecodable) {
                failed = new BatchListenerFailedException("undecodable record", undecodable, index);
            } catch (InvalidRecordException | IllegalArgumentException | NullPointerException e) {
                failed =
                        new BatchListenerFailedException(
                                "invalid record: " + e.getMessage(),
                                new InvalidRecordException(e.getMessage()),
                                index);
            }
        }
        // What precedes a record that cannot be mapped is applied; the batch then fails at it.
        applyIsolating(mapped, indexes, apply);
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Applies {@code values} (mapped from the records at {@code indexes}) in one call; if that
     * fails other than by an outage, one by one, failing the batch at the first that fails alone.
     */
    private static <T> void applyIsolating(
            List<T> values, List<Integer> indexes, Consumer<List<T>> apply) {
        if (values.isEmpty()) {
            return;
        }
        try {
            apply.accept(values);
            return;
        } catch (RuntimeException failure) {
            if (KafkaErrorHandlingAutoConfiguration.isDatabaseUnavailable(failure)) {
                throw failure;
            }
            LOG.warn(
                    failure,
                    () ->
                            "applying a batch of "
                                    + values.size()
                                    + " failed; applying its records one by one");
        }
        for (int i = 0; i < values.size(); i++) {
            try {
                apply.accept(List.of(values.get(i)));
            } catch (RuntimeException failure) {
                if (KafkaErrorHandlingAutoConfiguration.isDatabaseUnavailable(failure)) {
                    throw failure;
                }
                throw new BatchListenerFailedException(
                        "cannot apply record: " + failure.getMessage(), failure, indexes.get(i));
            }
        }
    }
}
