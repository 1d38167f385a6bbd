package io.tokenmeter.ops;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Dead-lettered records: list them with the failure spring-kafka recorded in their headers, show
 * one in full, and send chosen ones back to the topic they came from once the cause is fixed. A
 * redriven record keeps its key and bytes and carries {@code tokenmeter-redriven-from}.
 *
 * <p>A record goes back only to its dead-letter topic's source topic in the catalogue, never to the
 * topic its {@code kafka_dlt-original-topic} header names: whoever can write a DLT could otherwise
 * have an operator forward a forged record to any topic (a Stripe event, say).
 */
@Command(name = "dlt", description = "Dead-letter topics: list, show and redrive their records.")
final class DeadLetterTool {

    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String EXCEPTION_CLASS = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    static final String REDRIVEN_FROM = "tokenmeter-redriven-from";

    @ParentCommand Ops ops;

    @Command(name = "list", description = "One line per dead letter of a topic.")
    int list(
            @Option(names = "--topic", required = true, description = "the source topic")
                    String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic);
        ops.out.println(records.size() + " record(s) on " + deadLetterTopic(topic));
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ops.out.printf(
                    "%s key=%s from=%s-%s@%s failure=%s: %s%n",
                    at(record),
                    printable("", record.key()),
                    header(record, ORIGINAL_TOPIC).orElse("?"),
                    header(record, ORIGINAL_PARTITION).orElse("?"),
                    header(record, ORIGINAL_OFFSET).orElse("?"),
                    header(record, EXCEPTION_CLASS).orElse("?"),
                    abbreviate(header(record, EXCEPTION_MESSAGE).orElse(""), 160));
        }
        return Ops.OK;
    }

    @Command(
            name = "show",
            description = "One dead letter: its headers and its record, decoded if it can be.")
    int show(
            @Option(names = "--topic", required = true, description = "the source topic")
                    String topic,
            @Option(names = "--partition", required = true) int partition,
            @Option(names = "--offset", required = true) long offset) {
        List<ConsumerRecord<byte[], byte[]>> found = find(topic, partition, offset);
        if (found.isEmpty()) {
            return Ops.REFUSED;
        }
        ConsumerRecord<byte[], byte[]> record = found.get(0);
        ops.out.println("record " + partition + "@" + offset + " on " + record.topic());
        ops.out.println("key: " + printable("", record.key()));
        ops.out.println("timestamp: " + Instant.ofEpochMilli(record.timestamp()));
        ops.out.println("headers:");
        for (Header header : record.headers()) {
            ops.out.println("  " + header.key() + ": " + printable(header.key(), header.value()));
        }
        ops.out.println("value: " + describeValue(record));
        return Ops.OK;
    }

    @Command(name = "redrive", description = "Sends dead letters back to their source topic.")
    int redrive(
            @Option(names = "--topic", required = true, description = "the source topic")
                    String topic,
            @ArgGroup(multiplicity = "1") Which which)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (Topics.byName(sourceTopic(deadLetterTopic(topic))).isEmpty()) {
            ops.out.println("not a topic of the catalogue: " + topic);
            return Ops.REFUSED;
        }
        List<ConsumerRecord<byte[], byte[]>> records =
                which.all ? readAll(topic) : find(topic, which.one.partition, which.one.offset);
        if (records.isEmpty() && !which.all) {
            return Ops.REFUSED;
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(ops.bootstrap())) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String target = sourceTopic(record.topic());
                if (header(record, ORIGINAL_TOPIC).filter(target::equals).isEmpty()) {
                    ops.out.println(
                            "note: "
                                    + at(record)
                                    + " names another original topic in its headers; ignored");
                }
                RecordHeaders headers = new RecordHeaders();
                headers.add(
                        REDRIVEN_FROM,
                        (record.topic() + "-" + at(record)).getBytes(StandardCharsets.UTF_8));
                producer.send(
                                new ProducerRecord<>(
                                        target, null, record.key(), record.value(), headers))
                        .get(30, TimeUnit.SECONDS);
                ops.out.println("redrove " + at(record) + " to " + target);
            }
        }
        return Ops.OK;
    }

    static final class Which {
        @ArgGroup(exclusive = false)
        One one;

        @Option(names = "--all", required = true, description = "every dead letter")
        boolean all;
    }

    static final class One {
        @Option(names = "--partition", required = true)
        int partition;

        @Option(names = "--offset", required = true)
        long offset;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return KafkaClients.readAll(ops.bootstrap(), deadLetterTopic(topic));
    }

    /** The dead letter at {@code partition@offset}, or none (said on the output). */
    private List<ConsumerRecord<byte[], byte[]>> find(String topic, int partition, long offset) {
        List<ConsumerRecord<byte[], byte[]>> found =
                readAll(topic).stream()
                        .filter(r -> r.partition() == partition && r.offset() == offset)
                        .toList();
        if (found.isEmpty()) {
            ops.out.println(
                    "no record " + partition + "@" + offset + " on " + deadLetterTopic(topic));
        }
        return found;
    }

    /** Accepts a source topic or its dead-letter topic. */
    static String deadLetterTopic(String topic) {
        return topic.endsWith(Topic.DEAD_LETTER_SUFFIX) ? topic : topic + Topic.DEAD_LETTER_SUFFIX;
    }

    private static String sourceTopic(String deadLetterTopic) {
        return deadLetterTopic.substring(
                0, deadLetterTopic.length() - Topic.DEAD_LETTER_SUFFIX.length());
    }

    private static String describeValue(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return "(null)";
        }
        try {
            return new AvroSingleObjectDeserializer()
                    .deserialize(sourceTopic(record.topic()), record.value())
                    .toString();
        } catch (RuntimeException e) {
            return "(not decodable: "
                    + e.getMessage()
                    + ")\n"
                    + HexFormat.ofDelimiter(" ").formatHex(record.value());
        }
    }

    private static Optional<String> header(ConsumerRecord<byte[], byte[]> record, String key) {
        return Optional.ofNullable(record.headers().lastHeader(key))
                .map(header -> printable(key, header.value()));
    }

    private static String at(ConsumerRecord<byte[], byte[]> record) {
        return record.partition() + "@" + record.offset();
    }

    private static String printable(String key, byte[] value) {
        if (value == null) {
            return "(null)";
        }
        if (key.equals(ORIGINAL_PARTITION) && value.length == Integer.BYTES) {
            // spring-kafka writes the original partition and offset as big-endian numbers.
            return String.valueOf(ByteBuffer.wrap(value).getInt());
        }
        if (key.equals(ORIGINAL_OFFSET) && value.length == Long.BYTES) {
            return String.valueOf(ByteBuffer.wrap(value).getLong());
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
