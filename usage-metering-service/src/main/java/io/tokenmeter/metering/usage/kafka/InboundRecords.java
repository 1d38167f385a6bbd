package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.metering.usage.Delivery;
import io.tokenmeter.metering.usage.PhaseUsage;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.platform.kafka.ConsumedRecords;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import io.tokenmeter.platform.kafka.TraceParents;
import io.tokenmeter.schemas.Tier;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

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
                            TraceParents.of(record),
                            new Delivery(record.partition(), record.offset()))
                    .notAheadOf(clock);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRecordException("invalid SessionCompleted: " + e.getMessage());
        }
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
