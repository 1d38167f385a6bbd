package io.tokenmeter.subscription.state.kafka;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.platform.outbox.OutboxRelay;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import io.tokenmeter.subscription.state.SubscriptionChanges;
import io.tokenmeter.subscription.state.UserSubscription;
import java.time.Instant;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * Announces a change by appending its {@code SubscriptionState} record, keyed by user, to the
 * outbox, in the transaction that stores the change; the {@link OutboxRelay} sends it to Kafka.
 */
@Component
public class SubscriptionStateOutbox implements SubscriptionChanges {

    /** The outbox's table. */
    public static final String TABLE = "subscription_state_outbox";

    /** The advisory lock key that elects the relaying instance ("subscription-outbox"). */
    public static final long RELAY_LOCK = 0x5355_4253_4f55_5442L;

    private final OutboxRelay outbox;
    private final AvroSingleObjectSerializer serializer = new AvroSingleObjectSerializer();

    public SubscriptionStateOutbox(OutboxRelay outbox) {
        this.outbox = outbox;
    }

    @Override
    public void changed(UserSubscription state, Instant updatedAt, long version) {
        SubscriptionState record =
                SubscriptionState.newBuilder()
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
                                Objects.requireNonNullElse(state.lastEventCreated(), Instant.EPOCH))
                        .setVersion(version)
                        .build();
        byte[] payload = serializer.serialize(Topics.SUBSCRIPTION_STATE.name(), record);
        outbox.append(state.userId(), payload, updatedAt);
    }
}
