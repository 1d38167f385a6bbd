package io.tokenmeter.notification.alerts.kafka;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.notification.alerts.Alerts;
import io.tokenmeter.platform.kafka.Batches;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** {@code billing.subscription-state.v1} → kept states and queued notifications. */
@Component
class SubscriptionStateConsumer {

    private final Alerts alerts;

    SubscriptionStateConsumer(Alerts alerts) {
        this.alerts = alerts;
    }

    @KafkaListener(
            id = "notification-subscription-state",
            topics = "#{T(io.tokenmeter.schemas.Topics).SUBSCRIPTION_STATE.name()}",
            idIsGroup = false,
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records,
                SubscriptionState.class,
                InboundRecords::subscription,
                alerts::subscriptionsReported);
    }
}
