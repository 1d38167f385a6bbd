package io.tokenmeter.platform.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerStartedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.KafkaEvent;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * DOWN while a listener container that stopped for any reason but an orderly stop (an {@link Error}
 * in a listener, a fenced producer, an authorization failure...) has not started again. A container
 * stopped that way consumes nothing more while the rest of the service answers as if all were well;
 * this indicator is part of the liveness group, so the orchestrator restarts the service instead.
 */
class ListenerContainersHealthIndicator
        implements HealthIndicator, ApplicationListener<KafkaEvent> {

    private static final Logger log =
            LoggerFactory.getLogger(ListenerContainersHealthIndicator.class);

    private final Map<String, ConsumerStoppedEvent.Reason> stopped = new ConcurrentHashMap<>();

    @Override
    public void onApplicationEvent(KafkaEvent event) {
        MessageListenerContainer container = event.getContainer(MessageListenerContainer.class);
        String id = container.getListenerId() != null ? container.getListenerId() : "?";
        if (event instanceof ConsumerStoppedEvent stop
                && stop.getReason() != ConsumerStoppedEvent.Reason.NORMAL) {
            log.error(
                    "Kafka listener {} stopped ({}): the service is no longer live",
                    id,
                    stop.getReason());
            stopped.put(id, stop.getReason());
        } else if (event instanceof ConsumerStartedEvent) {
            stopped.remove(id);
        }
    }

    @Override
    public Health health() {
        if (stopped.isEmpty()) {
            return Health.up().build();
        }
        return Health.down().withDetail("stopped", Map.copyOf(stopped)).build();
    }
}
