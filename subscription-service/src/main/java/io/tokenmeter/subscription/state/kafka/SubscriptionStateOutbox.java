package io.tokenmeter.subscription.state.kafka;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import io.tokenmeter.subscription.state.SubscriptionChanges;
import io.tokenmeter.subscription.state.UserSubscription;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Announces a change by writing its {@code SubscriptionState} record to the outbox table, in the
 * transaction that stores the change, with the trace context of the event that caused it; {@link
 * SubscriptionStateRelay} sends it to Kafka.
 */
@Component
class SubscriptionStateOutbox implements SubscriptionChanges {

    private final JdbcClient jdbc;
    private final TraceParents traceParents;
    private final AvroSingleObjectSerializer serializer = new AvroSingleObjectSerializer();

    SubscriptionStateOutbox(JdbcClient jdbc, TraceParents traceParents) {
        this.jdbc = jdbc;
        this.traceParents = traceParents;
    }

    @Override
    public void changed(UserSubscription state, Instant updatedAt, long version) {
        byte[] payload =
                serializer.serialize(
                        Topics.SUBSCRIPTION_STATE.name(), record(state, updatedAt, version));
        jdbc.sql(
                        "INSERT INTO subscription_state_outbox"
                                + " (user_id, payload, created_at, trace_parent)"
                                + " VALUES (?, ?, ?, ?)")
                .params(state.userId(), payload, Timestamp.from(updatedAt), traceParents.current())
                .update();
    }

    static SubscriptionState record(UserSubscription state, Instant updatedAt, long version) {
        return SubscriptionState.newBuilder()
                .setUserId(state.userId())
                .setTier(state.tier().name())
                .setStatus(state.status())
                .setStripeCustomerId(state.customerId())
                .setStripeSubscriptionId(state.subscriptionId())
                .setPeriodStart(state.period() == null ? null : state.period().start())
                .setPeriodEnd(state.period() == null ? null : state.period().end())
                .setPaymentFailed(state.paymentFailed())
                .setUpdatedAt(updatedAt)
                .setLastStripeEventCreated(
                        state.lastEventCreated() == null ? Instant.EPOCH : state.lastEventCreated())
                .setVersion(version)
                .build();
    }
}
