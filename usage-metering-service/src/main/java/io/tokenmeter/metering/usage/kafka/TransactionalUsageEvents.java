package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.metering.usage.PricedSession;
import io.tokenmeter.metering.usage.ThresholdCrossing;
import io.tokenmeter.metering.usage.UsageEvents;
import io.tokenmeter.metering.usage.UsageSnapshot;
import java.time.Instant;
import java.util.List;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@link UsageEvents} for metered batches: the records are sent in the Kafka transaction the
 * listener container runs the batch in, which also commits the batch's offsets. They become visible
 * together with the consumer's progress, or not at all, in which case the batch is delivered again
 * and announces what its database transaction had counted (see {@code UsageStore#addToLedger}). A
 * session's cost continues its delivery's trace ({@code traceparent}).
 */
public class TransactionalUsageEvents implements UsageEvents {

    private final KafkaTemplate<Object, Object> template;

    /**
     * @param template a template on the listener container's transactional producer factory
     */
    public TransactionalUsageEvents(KafkaTemplate<Object, Object> template) {
        this.template = template;
    }

    @Override
    public void publish(
            List<PricedSession> costs,
            List<UsageSnapshot> usage,
            List<ThresholdCrossing> crossings,
            Instant at) {
        if (!template.inTransaction()) {
            // Outside the container's transaction the records would not be tied to its offsets.
            throw new IllegalStateException("metered batches are announced in a Kafka transaction");
        }
        OutboundRecords.records(costs, usage, crossings, at).forEach(template::send);
    }
}
