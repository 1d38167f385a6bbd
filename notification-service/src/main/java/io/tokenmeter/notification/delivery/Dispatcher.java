package io.tokenmeter.notification.delivery;

import io.tokenmeter.notification.alerts.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Works off the outbox: claims due deliveries, sends each on its channel, and records how each
 * went: sent, skipped, retried later, or failed for good. Several dispatchers (threads, instances)
 * share the outbox; a user's deliveries on a channel still go one at a time, in order.
 *
 * <p>A delivery is recorded as sent right after the server accepted it. A dispatcher that dies in
 * between leaves it claimed; it is sent again when the claim's lease ends: the one window where a
 * notification can arrive twice (the webhook's stable id lets the receiver drop it).
 */
public final class Dispatcher {

    private final DeliveryQueue queue;
    private final Map<Channel, Sender> senders;
    private final RetryPolicy retries;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final int batchSize;
    private final Duration lease;

    public Dispatcher(
            DeliveryQueue queue,
            Map<Channel, Sender> senders,
            RetryPolicy retries,
            DeliveryMetrics metrics,
            Clock clock,
            int batchSize,
            Duration lease) {
        this.queue = queue;
        this.senders = Map.copyOf(senders);
        this.retries = retries;
        this.metrics = metrics;
        this.clock = clock;
        this.batchSize = batchSize;
        this.lease = lease;
    }

    /**
     * One round: returns how many deliveries it handled (fewer than a batch: the outbox is dry).
     */
    public int dispatchDue() {
        Instant now = clock.instant();
        List<Delivery> due = queue.claimDue(now, batchSize, now.plus(lease));
        if (due.isEmpty()) {
            return 0;
        }
        List<Attempted> attempts = new ArrayList<>(due.size());
        for (Channel channel : Channel.values()) {
            List<Delivery> onChannel =
                    due.stream().filter(delivery -> delivery.channel() == channel).toList();
            if (!onChannel.isEmpty()) {
                List<Outcome> outcomes = sendAll(channel, onChannel);
                for (int i = 0; i < onChannel.size(); i++) {
                    attempts.add(attempted(onChannel.get(i), outcomes.get(i)));
                }
            }
        }
        queue.record(attempts);
        return due.size();
    }

    private List<Outcome> sendAll(Channel channel, List<Delivery> deliveries) {
        try {
            List<Outcome> outcomes = senders.get(channel).sendAll(deliveries);
            if (outcomes.size() != deliveries.size()) {
                throw new IllegalStateException(
                        channel
                                + " answered "
                                + outcomes.size()
                                + " outcomes for "
                                + deliveries.size());
            }
            return outcomes;
        } catch (RuntimeException e) {
            Outcome retry = new Outcome.Retry("unexpected " + e.getClass().getSimpleName());
            return deliveries.stream().map(delivery -> retry).toList();
        }
    }

    public int batchSize() {
        return batchSize;
    }

    private Attempted attempted(Delivery delivery, Outcome outcome) {
        Instant now = clock.instant();
        int attempts = delivery.attempts() + 1;
        Channel channel = delivery.channel();
        if (outcome instanceof Outcome.Sent) {
            metrics.sent(
                    channel, Duration.between(delivery.notification().cause().occurredAt(), now));
            return new Attempted(delivery.seq(), Status.SENT, attempts, null, now, null);
        }
        if (outcome instanceof Outcome.Skipped skipped) {
            metrics.skipped(channel, skipped.reason());
            return new Attempted(
                    delivery.seq(), Status.SKIPPED, attempts, null, now, skipped.reason());
        }
        if (outcome instanceof Outcome.Failed failed) {
            metrics.failed(channel, failed.reason());
            return new Attempted(
                    delivery.seq(), Status.FAILED, attempts, null, now, failed.reason());
        }
        String reason = ((Outcome.Retry) outcome).reason();
        Optional<Instant> next = retries.nextAttempt(delivery.queuedAt(), attempts, now);
        if (next.isEmpty()) {
            metrics.failed(channel, "gave_up");
            return new Attempted(
                    delivery.seq(),
                    Status.FAILED,
                    attempts,
                    null,
                    now,
                    "gave up after " + attempts + " attempts: " + reason);
        }
        metrics.retried(channel);
        return new Attempted(delivery.seq(), Status.PENDING, attempts, next.get(), null, reason);
    }
}
