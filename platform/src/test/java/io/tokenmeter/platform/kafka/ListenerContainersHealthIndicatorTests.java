package io.tokenmeter.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.event.ConsumerStartedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

class ListenerContainersHealthIndicatorTests {

    private final ListenerContainersHealthIndicator health =
            new ListenerContainersHealthIndicator();
    private final KafkaMessageListenerContainer<String, String> container = container("metering");

    @Test
    void isDownWhileAContainerStoppedOnAnErrorHasNotStartedAgain() {
        health.onApplicationEvent(
                new ConsumerStoppedEvent(this, container, ConsumerStoppedEvent.Reason.ERROR));

        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails()).containsKey("stopped");

        health.onApplicationEvent(new ConsumerStartedEvent(this, container));

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void staysUpWhenAContainerIsStoppedInAnOrderlyWay() {
        health.onApplicationEvent(
                new ConsumerStoppedEvent(this, container, ConsumerStoppedEvent.Reason.NORMAL));

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    private static KafkaMessageListenerContainer<String, String> container(String id) {
        KafkaMessageListenerContainer<String, String> container =
                new KafkaMessageListenerContainer<>(
                        new DefaultKafkaConsumerFactory<>(Map.of()), new ContainerProperties("t"));
        container.setBeanName(id);
        return container;
    }
}
