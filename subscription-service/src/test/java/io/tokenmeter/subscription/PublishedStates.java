package io.tokenmeter.subscription;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.TestKafka;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What subscription-service published to {@code billing.subscription-state.v1}. */
public final class PublishedStates {

    private PublishedStates() {}

    /** Every state published for the user, oldest first. */
    public static List<SubscriptionState> of(String userId) {
        return TestKafka.readAll(Topics.SUBSCRIPTION_STATE).stream()
                .filter(record -> userId.equals(record.key()))
                .map(ConsumerRecord::value)
                .toList();
    }

    public static Optional<SubscriptionState> latest(String userId) {
        List<SubscriptionState> states = of(userId);
        return states.isEmpty() ? Optional.empty() : Optional.of(states.get(states.size() - 1));
    }
}
