package io.tokenmeter.systembench;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Consumer lag of the services' groups, read with an AdminClient: per group, the committed offset
 * of every partition it has committed on or is assigned, against the partition's last committed
 * (read_committed) offset. A partition never committed on counts from its first offset, as the
 * services start from the earliest.
 */
final class Lag {

    static final List<String> GROUPS =
            List.of(
                    "subscription-service",
                    "usage-metering-service",
                    "dashboard-api-service",
                    "notification-service");

    private final Admin admin;

    Lag(Admin admin) {
        this.admin = admin;
    }

    /** Lag per group and partition. */
    Map<String, Map<TopicPartition, Long>> read() throws Exception {
        Map<String, Map<TopicPartition, Long>> lags = new LinkedHashMap<>();
        var descriptions = admin.describeConsumerGroups(GROUPS).describedGroups();
        for (String group : GROUPS) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    ifGroupExists(
                            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                            Map.of());
            Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
            ConsumerGroupDescription description = ifGroupExists(descriptions.get(group), null);
            if (description != null) {
                for (MemberDescription member : description.members()) {
                    partitions.addAll(member.assignment().topicPartitions());
                }
            }
            Map<TopicPartition, Long> lag = lag(committed, partitions);
            lags.put(group, lag);
        }
        return lags;
    }

    /**
     * How far {@code group} is behind on every partition of {@code topic}, whether or not it has
     * committed on them or is assigned them yet: a service that was just started and never consumed
     * the topic has all of it ahead of it.
     */
    long behind(String group, String topic) throws Exception {
        Set<TopicPartition> partitions = new HashSet<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        Map<TopicPartition, OffsetAndMetadata> committed =
                ifGroupExists(
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                        Map.of());
        return lag(committed, partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Each partition's lag: its last committed (read_committed) offset less the group's committed
     * one, or less its first offset where the group never committed (the services start from the
     * earliest).
     */
    private Map<TopicPartition, Long> lag(
            Map<TopicPartition, OffsetAndMetadata> committed, Set<TopicPartition> partitions)
            throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition partition : partitions) {
            latest.put(partition, OffsetSpec.latest());
            earliest.put(partition, OffsetSpec.earliest());
        }
        var ends =
                admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all()
                        .get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> lag = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata at = committed.get(partition);
            long from = at == null ? starts.get(partition).offset() : at.offset();
            lag.put(partition, Math.max(0, ends.get(partition).offset() - from));
        }
        return lag;
    }

    /**
     * The answer, or {@code absent} when the group does not exist yet: a service that has not
     * joined its group by the time a phase starts has consumed nothing (a run of later phases
     * alone, on a fresh stack).
     */
    private static <T> T ifGroupExists(KafkaFuture<T> answer, T absent) throws Exception {
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return absent;
            }
            throw e;
        }
    }

    /** Total lag of one group on one topic (all topics when {@code topic} is null). */
    static long total(Map<String, Map<TopicPartition, Long>> lags, String group, String topic) {
        return lags.getOrDefault(group, Map.of()).entrySet().stream()
                .filter(e -> topic == null || e.getKey().topic().equals(topic))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    static long total(Map<String, Map<TopicPartition, Long>> lags) {
        return lags.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }

    /**
     * Waits until {@code group} has no lag left on {@code topic}; the moment it had none ({@link
     * System#nanoTime()}), or throws once {@code limit} has passed since {@code sinceNanos}.
     */
    long awaitNone(String group, String topic, long sinceNanos, Duration limit) throws Exception {
        while (true) {
            // Every partition: a service that never consumed the topic is behind on all of it.
            long left = behind(group, topic);
            if (left == 0) {
                return System.nanoTime();
            }
            if (System.nanoTime() - sinceNanos > limit.toNanos()) {
                throw new IllegalStateException(
                        group
                                + " still "
                                + left
                                + " records behind on "
                                + topic
                                + " after "
                                + limit.toSeconds()
                                + " s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Caught up: no partition of any group more than one offset behind (a transaction's commit
     * marker after the last record stays counted by some consumers), the same on two reads half a
     * second apart.
     */
    static boolean caughtUp(Map<String, Map<TopicPartition, Long>> lags) {
        return lags.values().stream().flatMap(m -> m.values().stream()).allMatch(l -> l <= 1);
    }

    /** Waits until every group has caught up; how long that took, or throws after {@code max}. */
    Duration awaitCaughtUp(Duration max) throws Exception {
        long start = System.nanoTime();
        Map<String, Map<TopicPartition, Long>> previous = null;
        while (true) {
            Map<String, Map<TopicPartition, Long>> lags = read();
            if (caughtUp(lags) && lags.equals(previous)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() - start > max.toNanos()) {
                throw new IllegalStateException(
                        "consumer groups not caught up after "
                                + max.toSeconds()
                                + " s: "
                                + summary(lags));
            }
            previous = lags;
            Thread.sleep(500);
        }
    }

    static String summary(Map<String, Map<TopicPartition, Long>> lags) {
        StringBuilder out = new StringBuilder();
        lags.forEach(
                (group, partitions) -> {
                    Map<String, Long> byTopic = new LinkedHashMap<>();
                    partitions.forEach((p, l) -> byTopic.merge(p.topic(), l, Long::sum));
                    byTopic.forEach(
                            (topic, lag) -> {
                                if (lag > 0) {
                                    out.append(group)
                                            .append(" on ")
                                            .append(topic)
                                            .append(": ")
                                            .append(lag)
                                            .append("; ");
                                }
                            });
                });
        return out.isEmpty() ? "none" : out.toString();
    }
}
