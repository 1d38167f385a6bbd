package io.tokenmeter.platform.kafka;

import io.tokenmeter.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        produced.forEach(topic -> topics.add(newTopic(topic.name(), topic, topic.configs())));
        for (Topic<?> topic : consumed) {
            if (!produced.contains(topic)) {
                topics.add(newTopic(topic.name(), topic, topic.configs()));
            }
            topics.add(newTopic(topic.deadLetterTopic(), topic, topic.deadLetterConfigs()));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static NewTopic newTopic(String name, Topic<?> topic, Map<String, String> configs) {
        return TopicBuilder.name(name).partitions(topic.partitions()).configs(configs).build();
    }
}
