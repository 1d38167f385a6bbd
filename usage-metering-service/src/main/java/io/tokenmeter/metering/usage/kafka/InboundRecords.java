package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.metering.usage.Delivery;
import io.tokenmeter.metering.usage.PhaseUsage;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import io.tokenmeter.schemas.Tier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Maps consumed Avro records onto the core's types. A record that cannot be decoded or breaks the
 * contract becomes an exception the error handler dead-letters without retrying.
 */
public final class InboundRecords {

    private static final LogAccessor LOG = new LogAccessor(InboundRecords.class);

    private InboundRecords() {}

    /**
     * A {@code SessionCompleted} record as the session it reports, delivered in that record; one
     * completed too far ahead of {@code clock} is invalid.
     */
    public static SessionUsage session(ConsumerRecord<String, Object> record, Clock clock) {
        if (!(decoded(record) instanceof SessionCompleted event)) {
            throw new InvalidRecordException(
                    "expected SessionCompleted, got " + record.value().getClass().getSimpleName());
        }
        try {
            return new SessionUsage(
                            event.getSessionId(),
                            event.getUserId(),
                            event.getCompletedAt(),
                            event.getPhases().stream()
                                    .map(
                                            phase ->
                                                    new PhaseUsage(
                                                            phase.getPhase(),
                                                            phase.getModel(),
                                                            phase.getPromptTokens(),
                                                            phase.getCachedTokens(),
                                                            phase.getCompletionTokens()))
                                    .toList(),
                            traceParent(record),
                            new Delivery(record.partition(), record.offset()))
                    .notAheadOf(clock);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRecordException("invalid SessionCompleted: " + e.getMessage());
        }
    }

    /**
     * The longest {@code traceparent} carried on, in bytes: W3C's version 00 takes 55, later
     * versions may append fields. A longer value is no trace context and is not copied onto the
     * cost record, whose size it would inflate.
     */
    static final int MAX_TRACEPARENT_BYTES = 256;

    /** The delivery's W3C trace context, carried to the session's cost record; null if none. */
    private static String traceParent(ConsumerRecord<String, Object> record) {
        Header header = record.headers().lastHeader(OutboundRecords.TRACEPARENT);
        return header == null
                        || header.value() == null
                        || header.value().length > MAX_TRACEPARENT_BYTES
                ? null
                : new String(header.value(), StandardCharsets.US_ASCII);
    }

    public static SubscriptionChange subscriptionChange(ConsumerRecord<String, Object> record) {
        if (!(decoded(record) instanceof SubscriptionState state)) {
            throw new InvalidRecordException(
                    "expected SubscriptionState, got " + record.value().getClass().getSimpleName());
        }
        try {
            return new SubscriptionChange(
                    state.getUserId(),
                    Tier.parse(state.getTier()),
                    state.getStatus(),
                    Optional.ofNullable(state.getPeriodStart()),
                    Optional.ofNullable(state.getPeriodEnd()),
                    state.getLastStripeEventCreated(),
                    state.getUpdatedAt(),
                    state.getVersion(),
                    new Delivery(record.partition(), record.offset()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRecordException("invalid SubscriptionState: " + e.getMessage());
        }
    }

    /** Whether the record is a tombstone (null value that is no failed decoding). */
    static boolean isTombstone(ConsumerRecord<String, Object> record) {
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
