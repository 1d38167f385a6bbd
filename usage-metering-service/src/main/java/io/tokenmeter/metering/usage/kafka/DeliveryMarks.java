package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.metering.usage.UsageStore;
import io.tokenmeter.schemas.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Tells the store how far each partition's batches are committed in Kafka whenever the consumer
 * gains or gives up partitions: the group's committed offsets then are exactly that. A rewind
 * (offsets moved back by an operator while the group is stopped) then announces nothing again: the
 * marks, recorded as the consumers stopped, never move down.
 */
class DeliveryMarks implements ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(DeliveryMarks.class);

    /**
     * Bounded: a consumer closing while the broker or the database is already gone (a process
     * shutting down) must not hold up its shutdown, whatever the pool's connection timeout.
     */
    static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(5);

    private static final ExecutorService WRITER =
            Executors.newSingleThreadExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "delivery-marks");
                        thread.setDaemon(true);
                        return thread;
                    });

    /** The store's name for each input topic. */
    static final Map<String, UsageStore.Input> INPUTS =
            Map.of(
                    Topics.SESSION_COMPLETED.name(), UsageStore.Input.SESSIONS,
                    Topics.SUBSCRIPTION_STATE.name(), UsageStore.Input.SUBSCRIPTION_STATES);

    private final UsageStore store;

    DeliveryMarks(UsageStore store) {
        this.store = store;
    }

    @Override
    public void onPartitionsAssigned(
            Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        record(consumer, partitions);
    }

    @Override
    public void onPartitionsRevokedAfterCommit(
            Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        record(consumer, partitions);
    }

    private void record(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            Map<UsageStore.Input, Map<Integer, Long>> below = new EnumMap<>(UsageStore.Input.class);
            consumer.committed(new HashSet<>(partitions), COMMITTED_TIMEOUT)
                    .forEach(
                            (partition, committed) -> {
                                UsageStore.Input input = INPUTS.get(partition.topic());
                                if (committed != null && input != null) {
                                    below.computeIfAbsent(input, i -> new HashMap<>())
                                            .put(partition.partition(), committed.offset());
                                }
                            });
            for (var input : below.entrySet()) {
                CompletableFuture.runAsync(
                                () -> store.deliveredBelow(input.getKey(), input.getValue()),
                                WRITER)
                        .get(COMMITTED_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            // Nothing is lost: a batch's own first offset moves the mark as well. Only a rewind
            // could then announce these partitions' last batch again (duplicates by session id).
            log.warn("could not record the committed offsets of {}: {}", partitions, e.toString());
        }
    }
}
