package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.metering.usage.Delivery;
import io.tokenmeter.metering.usage.PhaseUsage;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.platform.kafka.ConsumedRecords;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import io.tokenmeter.schemas.Tier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Maps consumed Avro records onto the core's types. A record that cannot be decoded or breaks the
 * contract becomes an exception the error handler dead-letters without retrying.
 */
public final class InboundRecords {

    private InboundRecords() {}

    /**
     * A {@code SessionCompleted} record as the session it reports, delivered in that record; one
     * completed too far ahead of {@code clock} is invalid.
     */
    public static SessionUsage session(ConsumerRecord<String, Object> record, Clock clock) {
        SessionCompleted event = ConsumedRecords.value(record, SessionCompleted.class);
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
        SubscriptionState state = ConsumedRecords.value(record, SubscriptionState.class);
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
}
