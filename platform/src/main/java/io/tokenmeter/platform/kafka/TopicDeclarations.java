package io.tokenmeter.platform.kafka;

import io.tokenmeter.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The topics a service makes sure exist at startup, with the catalogue's partitions and configs:
 * those it produces to, those it consumes (so it can start before its upstream), and the
 * dead-letter topics of those it consumes. Existing topics are left as they are.
 */
public final class TopicDeclarations {

    private TopicDeclarations() {}

    public static KafkaAdmin.NewTopics forService(
            List<Topic<?>> produced, List<Topic<?>> consumed) {
        List<NewTopic> topics = new ArrayList<>();
        produced.forEach(topic -> topics.add(newTopic(topic)));
        for (Topic<?> topic : consumed) {
            if (!produced.contains(topic)) {
                topics.add(newTopic(topic));
            }
            topics.add(
                    TopicBuilder.name(topic.deadLetterTopic())
                            .partitions(topic.partitions())
                            .configs(topic.deadLetterConfigs())
                            .build());
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    static NewTopic newTopic(Topic<?> topic) {
        return TopicBuilder.name(topic.name())
                .partitions(topic.partitions())
                .configs(topic.configs())
                .build();
    }
}
