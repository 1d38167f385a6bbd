package io.tokenmeter.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * A Kafka topic of the contract: its name, what its values are, and how the broker keeps it. Keys
 * are always UTF-8 strings (what each topic's hold is in CONTRACT §4); values are Avro records in
 * single-object encoding.
 *
 * @param name the topic name, exactly as in the contract
 * @param valueType the Avro record every value is
 * @param cleanupPolicy delete or compact
 * @param partitions partition count; also the upper bound on consumer instances per group
 * @param retention how long records are kept; empty means forever (compacted topics keep the latest
 *     per key regardless)
 */
public record Topic<V extends SpecificRecord>(
        String name,
        Class<V> valueType,
        CleanupPolicy cleanupPolicy,
        int partitions,
        Optional<Duration> retention) {

    /** The suffix the contract gives every dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    /** Dead-lettered records keep a month; an operator redrives or discards them by then. */
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

    public Topic {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition: " + name);
        }
    }

    /** The dead-letter topic of this topic: same partitions, so a record keeps its partition. */
    public String deadLetterTopic() {
        return name + DEAD_LETTER_SUFFIX;
    }

    /** The topic-level configs the broker must hold for this topic. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.configValue());
        if (cleanupPolicy == CleanupPolicy.DELETE) {
            configs.put(
                    "retention.ms", String.valueOf(retention.map(Duration::toMillis).orElse(-1L)));
        }
        return configs;
    }

    /** The configs of this topic's dead-letter topic. */
    public Map<String, String> deadLetterConfigs() {
        return Map.of(
                "cleanup.policy",
                CleanupPolicy.DELETE.configValue(),
                "retention.ms",
                String.valueOf(DEAD_LETTER_RETENTION.toMillis()));
    }
}
