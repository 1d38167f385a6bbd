package io.tokenmeter.ops;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Whether the broker's topics match the catalogue: existence, partitions, cleanup, retention. */
@Command(name = "topics", description = "The broker's topics against the catalogue.")
final class TopicsCheck {

    @ParentCommand Ops ops;

    @Command(
            name = "check",
            description =
                    "Lists every drift from the catalogue (partitions, cleanup policy,"
                            + " retention); exit status 1 when there is some.")
    int check() throws ExecutionException, InterruptedException, TimeoutException {
        List<String> problems = new ArrayList<>();
        try (Admin admin = KafkaClients.admin(ops.bootstrap())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (Topic<?> topic : Topics.all()) {
                check(admin, existing, topic.name(), topic.partitions(), topic.configs(), problems);
                check(
                        admin,
                        existing,
                        topic.deadLetterTopic(),
                        topic.partitions(),
                        topic.deadLetterConfigs(),
                        problems);
            }
        }
        if (problems.isEmpty()) {
            ops.out.println(
                    "topics check: all " + Topics.all().size() * 2 + " topics match the catalogue");
            return Ops.OK;
        }
        problems.forEach(problem -> ops.out.println("DRIFT " + problem));
        return Ops.REFUSED;
    }

    private static void check(
            Admin admin,
            Set<String> existing,
            String name,
            int partitions,
            Map<String, String> configs,
            List<String> problems)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (!existing.contains(name)) {
            problems.add(name + ": missing");
            return;
        }
        TopicDescription description =
                admin.describeTopics(List.of(name))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(name);
        if (description.partitions().size() != partitions) {
            problems.add(
                    name
                            + ": "
                            + description.partitions().size()
                            + " partitions, catalogue says "
                            + partitions);
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config actual =
                admin.describeConfigs(List.of(resource))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(resource);
        configs.forEach(
                (key, expected) -> {
                    String value = actual.get(key) == null ? null : actual.get(key).value();
                    if (!expected.equals(value)) {
                        problems.add(
                                name + ": " + key + "=" + value + ", catalogue says " + expected);
                    }
                });
    }
}
