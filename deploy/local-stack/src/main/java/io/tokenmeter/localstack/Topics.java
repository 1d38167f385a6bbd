package io.tokenmeter.localstack;

import io.tokenmeter.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates every topic of the catalogue and its dead-letter topic that does not exist yet. */
public final class Topics {

    private Topics() {}

    public static void createAll(String bootstrapServers) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?> topic : io.tokenmeter.schemas.Topics.all()) {
                if (!existing.contains(topic.name())) {
                    missing.add(
                            new NewTopic(topic.name(), topic.partitions(), (short) 1)
                                    .configs(topic.configs()));
                }
                if (!existing.contains(topic.deadLetterTopic())) {
                    missing.add(
                            new NewTopic(topic.deadLetterTopic(), topic.partitions(), (short) 1)
                                    .configs(topic.deadLetterConfigs()));
                }
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            LocalStack.log(
                    "topics: "
                            + io.tokenmeter.schemas.Topics.all().size() * 2
                            + " in the catalogue, "
                            + missing.size()
                            + " created");
        }
    }
}
