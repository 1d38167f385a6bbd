package io.tokenmeter.notification.alerts.kafka;

import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.notification.alerts.Alerts;
import io.tokenmeter.platform.kafka.Batches;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** {@code billing.usage-threshold.v1} → queued notifications, a poll batch per transaction. */
@Component
class UsageThresholdConsumer {

    private final Alerts alerts;

    UsageThresholdConsumer(Alerts alerts) {
        this.alerts = alerts;
    }

    @KafkaListener(
            id = "notification-usage-threshold",
            topics = "#{T(io.tokenmeter.schemas.Topics).USAGE_THRESHOLD.name()}",
            idIsGroup = false,
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(
                records,
                UsageThresholdCrossed.class,
                InboundRecords::crossing,
                alerts::thresholdsCrossed);
    }
}
