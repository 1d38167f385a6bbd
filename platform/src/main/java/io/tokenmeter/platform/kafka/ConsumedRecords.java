package io.tokenmeter.platform.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * A consumed record's value as the event type a listener expects. The services' deserializer leaves
 * a null value and a header when it cannot decode a record; a record that cannot be decoded or is
 * not of the expected type becomes an exception the error handler dead-letters without retrying.
 */
public final class ConsumedRecords {

    private static final LogAccessor LOG = new LogAccessor(ConsumedRecords.class);

    private ConsumedRecords() {}

    /**
     * The record's value as a {@code type}; a {@link DeserializationException} when it could not be
     * decoded, an {@link InvalidRecordException} when it is null or of another type.
     */
    public static <T> T value(ConsumerRecord<?, Object> record, Class<T> type) {
        Object value = record.value();
        if (value == null) {
            DeserializationException failure = deserializationFailure(record);
            throw failure != null
                    ? failure
                    : new InvalidRecordException("a null value is no event");
        }
        if (!type.isInstance(value)) {
            throw new InvalidRecordException(
                    "expected "
                            + type.getSimpleName()
                            + ", got "
                            + value.getClass().getSimpleName());
        }
        return type.cast(value);
    }

    /** A tombstone (a compacted topic's deletion): a null value that is no failed decoding. */
    public static boolean isTombstone(ConsumerRecord<?, Object> record) {
        return record.value() == null && deserializationFailure(record) == null;
    }

    /** Why the record's value could not be decoded, or null when it was. */
    static DeserializationException deserializationFailure(ConsumerRecord<?, ?> record) {
        return SerializationUtils.getExceptionFromHeader(
                record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    }
}
