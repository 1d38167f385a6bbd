package io.tokenmeter.testsupport;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients on the shared test broker, speaking the contract's encoding: for tests that
 * play an upstream producer or read what a service published.
 */
public final class TestKafka {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private TestKafka() {}

    /** Creates every catalogue topic and its dead-letter topic, if missing. */
    public static void createCatalogueTopics() {
        try (Admin admin = Admin.create(adminConfig())) {
            for (Topic<?> topic : Topics.all()) {
                create(
                        admin,
                        new NewTopic(topic.name(), topic.partitions(), (short) 1)
                                .configs(topic.configs()));
                create(
                        admin,
                        new NewTopic(topic.deadLetterTopic(), topic.partitions(), (short) 1)
                                .configs(topic.deadLetterConfigs()));
            }
        }
    }

    /** Every topic on the broker with its partition count and non-default configs. */
    public static Map<String, TopicDescription> describeTopics() {
        try (Admin admin = Admin.create(adminConfig())) {
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            var descriptions =
                    admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            var resources =
                    names.stream()
                            .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                            .toList();
            var configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> result = new java.util.TreeMap<>();
            descriptions.forEach(
                    (name, description) -> {
                        Map<String, String> explicit = new java.util.TreeMap<>();
                        configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                                .entries()
                                .forEach(
                                        entry -> {
                                            if (entry.source()
                                                    == ConfigEntry.ConfigSource
                                                            .DYNAMIC_TOPIC_CONFIG) {
                                                explicit.put(entry.name(), entry.value());
                                            }
                                        });
                        result.put(
                                name,
                                new TopicDescription(
                                        name, description.partitions().size(), explicit));
                    });
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topics: " + e.getMessage(), e);
        }
    }

    /**
     * Whether consumer group {@code group} has committed, on every partition of {@code topics}, the
     * end of what was published there: it consumed everything, and (for a transactional listener)
     * what it announced with it is visible.
     */
    public static boolean groupCaughtUp(String group, List<Topic<?>> topics) {
        try (Admin admin = Admin.create(adminConfig())) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
                    latest = new java.util.HashMap<>();
            for (Topic<?> topic : topics) {
                for (int p = 0; p < topic.partitions(); p++) {
                    latest.put(
                            new org.apache.kafka.common.TopicPartition(topic.name(), p),
                            org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            var committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS);
            return ends.entrySet().stream()
                    .allMatch(
                            end ->
                                    end.getValue().offset() == 0
                                            || committed.get(end.getKey()) != null
                                                    && committed.get(end.getKey()).offset()
                                                            >= end.getValue().offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read offsets: " + e.getMessage(), e);
        }
    }

    /** What the broker says of a topic. */
    public record TopicDescription(String name, int partitions, Map<String, String> configs) {}

    /**
     * What the broker must say of each of {@code topics} and of the dead-letter topics of {@code
     * consumed}: the catalogue's partitions and configs, exactly.
     */
    public static Map<String, TopicDescription> catalogued(
            List<Topic<?>> topics, List<Topic<?>> consumed) {
        Map<String, TopicDescription> expected = new java.util.TreeMap<>();
        for (Topic<?> topic : topics) {
            expected.put(
                    topic.name(),
                    new TopicDescription(
                            topic.name(),
                            topic.partitions(),
                            new java.util.TreeMap<>(topic.configs())));
        }
        for (Topic<?> topic : consumed) {
            expected.put(
                    topic.deadLetterTopic(),
                    new TopicDescription(
                            topic.deadLetterTopic(),
                            topic.partitions(),
                            new java.util.TreeMap<>(topic.deadLetterConfigs())));
        }
        return expected;
    }

    /** Sends an Avro record (or raw bytes) and waits for the broker's acknowledgement. */
    public static void send(Topic<?> topic, String key, Object value) {
        send(topic.name(), key, value);
    }

    public static void send(String topic, String key, Object value) {
        send(topic, key, value, Map.of());
    }

    /** Sends a record with string headers (e.g. {@code traceparent}) and waits for the ack. */
    public static void send(Topic<?> topic, String key, Object value, Map<String, String> headers) {
        send(topic.name(), key, value, headers);
    }

    private static void send(String topic, String key, Object value, Map<String, String> headers) {
        ProducerRecord<String, Object> record = new ProducerRecord<>(topic, key, value);
        headers.forEach(
                (name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        try (KafkaProducer<String, Object> producer = producer()) {
            producer.send(record).get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("send to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    /** A producer with the contract's serdes; close it when done. */
    public static KafkaProducer<String, Object> producer() {
        Properties config = new Properties();
        config.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(
                config, new StringSerializer(), new AvroSingleObjectSerializer());
    }

    /** Everything on a topic right now, decoded, from the beginning (headers included). */
    public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(
            Topic<V> topic) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> raw : readAllRaw(topic.name())) {
            @SuppressWarnings("unchecked")
            V value =
                    raw.value() == null
                            ? null
                            : (V)
                                    new AvroSingleObjectDeserializer()
                                            .deserialize(raw.topic(), raw.value());
            records.add(
                    new ConsumerRecord<>(
                            raw.topic(),
                            raw.partition(),
                            raw.offset(),
                            raw.timestamp(),
                            raw.timestampType(),
                            raw.serializedKeySize(),
                            raw.serializedValueSize(),
                            raw.key(),
                            value,
                            raw.headers(),
                            raw.leaderEpoch()));
        }
        return records;
    }

    /** Everything on a topic right now, as bytes, from the beginning (headers included). */
    public static List<ConsumerRecord<String, byte[]>> readAllRaw(String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        forEachRecord(TestInfrastructure.kafkaBootstrapServers(), topic, records::add);
        return records;
    }

    /**
     * Hands every record on a topic of the broker at {@code bootstrapServers} right now, from the
     * beginning, to {@code each}, as committed ({@code read_committed}); for checks that keep only
     * a little of each record, such as which event ids were stored.
     */
    public static void forEachRecord(
            String bootstrapServers,
            String topic,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        8 * 1024 * 1024,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(
                                    info ->
                                            new org.apache.kafka.common.TopicPartition(
                                                    topic, info.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    private static Map<String, Object> adminConfig() {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers());
    }

    private static void create(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic.name(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create " + topic.name(), e);
        }
    }
}
