package io.tokenmeter.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.avro.PublishedSchemas;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Records an attacker (or a broken producer) can put on a consumed topic, and the check that a
 * service dead-letters them with a reason and moves on (CONTRACT rule 8).
 */
public final class HostileRecords {

    /** spring-kafka's {@code KafkaHeaders.DLT_EXCEPTION_MESSAGE}. */
    static final String DLT_EXCEPTION_MESSAGE = "kafka_dlt-exception-message";

    private HostileRecords() {}

    /**
     * 15 bytes: the single-object header of the topic's current schema, then a length of 2^30 for
     * the record's first field. A decoder that believes the length allocates a gigabyte.
     */
    public static byte[] allocationBomb(Topic<?> topic) {
        long fingerprint =
                PublishedSchemas.fingerprint(PublishedSchemas.currentSchema(topic.valueType()));
        ByteBuffer bytes = ByteBuffer.allocate(15).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint);
        // 2^30 as Avro's zig-zag varint: 2^31, seven bits at a time.
        bytes.put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
        return bytes.array();
    }

    /**
     * Sends {@code hostile}, then {@code valid}, under one key (so one partition, in that order),
     * and waits until the consumer {@code group} has committed past both, the DLT holds the hostile
     * record with a reason containing {@code reason}, and no other record of that key.
     */
    public static void assertDeadLetteredAndPassed(
            Topic<?> topic, String key, byte[] hostile, Object valid, String group, String reason)
            throws Exception {
        RecordMetadata last;
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            producer.send(new ProducerRecord<>(topic.name(), key, hostile))
                    .get(30, TimeUnit.SECONDS);
            last =
                    producer.send(new ProducerRecord<>(topic.name(), key, valid))
                            .get(30, TimeUnit.SECONDS);
        }
        TopicPartition partition = new TopicPartition(last.topic(), last.partition());
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                TestInfrastructure.kafkaBootstrapServers()))) {
            await().untilAsserted(
                            () -> {
                                Map<TopicPartition, OffsetAndMetadata> committed =
                                        admin.listConsumerGroupOffsets(group)
                                                .partitionsToOffsetAndMetadata()
                                                .get();
                                assertThat(committed.get(partition))
                                        .as("%s's committed offset on %s", group, partition)
                                        .isNotNull()
                                        .satisfies(
                                                offset ->
                                                        assertThat(offset.offset())
                                                                .isGreaterThan(last.offset()));
                            });
        }
        await().untilAsserted(
                        () -> {
                            List<ConsumerRecord<String, byte[]>> dead =
                                    TestKafka.readAllRaw(topic.deadLetterTopic()).stream()
                                            .filter(record -> key.equals(record.key()))
                                            .toList();
                            assertThat(dead).hasSize(1);
                            assertThat(dead.get(0).value()).isEqualTo(hostile);
                            Header message =
                                    dead.get(0).headers().lastHeader(DLT_EXCEPTION_MESSAGE);
                            assertThat(message).as("the reason header").isNotNull();
                            assertThat(new String(message.value(), StandardCharsets.UTF_8))
                                    .contains(reason);
                        });
    }
}
