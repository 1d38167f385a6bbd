package io.tokenmeter.ops;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

/**
 * Dead-lettered records: list them with the failure spring-kafka recorded in their headers, show
 * one in full, and send chosen ones back to the topic they came from once the cause is fixed. A
 * redriven record keeps its key and bytes and carries {@code tokenmeter-redriven-from}.
 *
 * <p>A record goes back only to its dead-letter topic's source topic in the catalogue, never to the
 * topic its {@code kafka_dlt-original-topic} header names: whoever can write a DLT could otherwise
 * have an operator forward a forged record to any topic (a Stripe event, say).
 */
final class DeadLetterTool {

    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String EXCEPTION_CLASS = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    static final String REDRIVEN_FROM = "tokenmeter-redriven-from";

    private final String bootstrap;
    private final PrintStream out;

    DeadLetterTool(String bootstrap, PrintStream out) {
        this.bootstrap = bootstrap;
        this.out = out;
    }

    int list(String topic) {
        String deadLetters = deadLetterTopic(topic);
        List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAll(bootstrap, deadLetters);
        out.println(records.size() + " record(s) on " + deadLetters);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            out.printf(
                    "%d@%d key=%s from=%s-%s@%s failure=%s: %s%n",
                    record.partition(),
                    record.offset(),
                    text(record.key()),
                    header(record, ORIGINAL_TOPIC).orElse("?"),
                    header(record, ORIGINAL_PARTITION).orElse("?"),
                    header(record, ORIGINAL_OFFSET).orElse("?"),
                    header(record, EXCEPTION_CLASS).orElse("?"),
                    abbreviate(header(record, EXCEPTION_MESSAGE).orElse(""), 160));
        }
        return Ops.OK;
    }

    int show(String topic, int partition, long offset) {
        ConsumerRecord<byte[], byte[]> record = find(topic, partition, offset);
        if (record == null) {
            return Ops.REFUSED;
        }
        out.println("record " + partition + "@" + offset + " on " + record.topic());
        out.println("key: " + text(record.key()));
        out.println("timestamp: " + java.time.Instant.ofEpochMilli(record.timestamp()));
        out.println("headers:");
        for (Header header : record.headers()) {
            out.println("  " + header.key() + ": " + printable(header.key(), header.value()));
        }
        out.println("value: " + describeValue(record));
        return Ops.OK;
    }

    int redrive(String topic, int partition, long offset)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!ofTheCatalogue(topic)) {
            return Ops.REFUSED;
        }
        ConsumerRecord<byte[], byte[]> record = find(topic, partition, offset);
        return record == null ? Ops.REFUSED : send(List.of(record));
    }

    int redriveAll(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        if (!ofTheCatalogue(topic)) {
            return Ops.REFUSED;
        }
        return send(KafkaClients.readAll(bootstrap, deadLetterTopic(topic)));
    }

    private int send(List<ConsumerRecord<byte[], byte[]>> records)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String target = sourceTopic(record.topic());
                if (header(record, ORIGINAL_TOPIC).filter(target::equals).isEmpty()) {
                    out.println(
                            "note: "
                                    + record.partition()
                                    + "@"
                                    + record.offset()
                                    + " names another original topic in its headers; ignored");
                }
                RecordHeaders headers = new RecordHeaders();
                headers.add(
                        REDRIVEN_FROM,
                        (record.topic() + "-" + record.partition() + "@" + record.offset())
                                .getBytes(StandardCharsets.UTF_8));
                producer.send(
                                new ProducerRecord<>(
                                        target, null, record.key(), record.value(), headers))
                        .get(30, TimeUnit.SECONDS);
                out.println(
                        "redrove " + record.partition() + "@" + record.offset() + " to " + target);
            }
        }
        return Ops.OK;
    }

    /** The dead letter at {@code partition@offset}; null, said on the output, when none. */
    private ConsumerRecord<byte[], byte[]> find(String topic, int partition, long offset) {
        Optional<ConsumerRecord<byte[], byte[]>> found =
                KafkaClients.readAll(bootstrap, deadLetterTopic(topic)).stream()
                        .filter(r -> r.partition() == partition && r.offset() == offset)
                        .findFirst();
        if (found.isEmpty()) {
            out.println("no record " + partition + "@" + offset + " on " + deadLetterTopic(topic));
        }
        return found.orElse(null);
    }

    private boolean ofTheCatalogue(String topic) {
        if (Topics.byName(sourceTopic(deadLetterTopic(topic))).isPresent()) {
            return true;
        }
        out.println(
                "not a topic of the catalogue: "
                        + printable("", topic.getBytes(StandardCharsets.UTF_8)));
        return false;
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
        Header header = record.headers().lastHeader(key);
        return header == null
                ? Optional.empty()
                : Optional.of(printable(header.key(), header.value()));
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

    private static String text(byte[] value) {
        return value == null ? "(null)" : new String(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
