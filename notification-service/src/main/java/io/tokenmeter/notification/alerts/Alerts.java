package io.tokenmeter.notification.alerts;

import io.tokenmeter.schemas.Tier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what metering and the subscription service report into queued notifications, in the same
 * transaction as the state it keeps, so that a record redelivered or replayed queues nothing twice.
 */
public final class Alerts {

    private final AlertStore store;
    private final Transactions transactions;
    private final AlertMetrics metrics;
    private final Clock clock;
    private final Duration staleAfter;

    public Alerts(
            AlertStore store,
            Transactions transactions,
            AlertMetrics metrics,
            Clock clock,
            Duration staleAfter) {
        this.store = store;
        this.transactions = transactions;
        this.metrics = metrics;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /**
     * Queues a notification per crossing, all in one transaction; the users' subscriptions are read
     * and the notifications written a batch at a time, as a burst of crossings comes in batches.
     */
    public void thresholdsCrossed(List<ThresholdCrossing> crossings) {
        transactions.inTransaction(
                () -> {
                    Instant now = clock.instant();
                    Map<String, Subscription> known =
                            store.subscriptions(
                                    crossings.stream()
                                            .map(ThresholdCrossing::userId)
                                            .distinct()
                                            .toList());
                    List<Notification> notifications = new ArrayList<>();
                    for (ThresholdCrossing crossing : crossings) {
                        crossed(crossing, now, known).ifPresent(notifications::add);
                    }
                    queue(notifications, now);
                    return null;
                });
    }

    /**
     * Keeps each user's latest state and queues the notifications its changes cause; a state not
     * newer than the kept one (a duplicate, a late older one) changes nothing.
     */
    public void subscriptionsReported(List<Subscription> states) {
        transactions.inTransaction(
                () -> {
                    Instant now = clock.instant();
                    states.forEach(state -> reported(state, now));
                    return null;
                });
    }

    private Optional<Notification> crossed(
            ThresholdCrossing crossing, Instant now, Map<String, Subscription> known) {
        Kind kind = Kind.threshold(crossing.percent());
        if (isStale(crossing.crossedAt(), now)) {
            metrics.stale(kind);
            return Optional.empty();
        }
        Subscription subscription =
                known.getOrDefault(crossing.userId(), Subscription.free(crossing.userId()));
        boolean paid = crossing.periodStart() != null;
        Instant renewsAt =
                paid
                                && subscription.periodEnd() != null
                                && subscription.periodEnd().isAfter(crossing.periodStart())
                        ? subscription.periodEnd()
                        : null;
        UsageAlert alert =
                new UsageAlert(
                        crossing.userId(),
                        crossing.percent(),
                        crossing.tokensUsed(),
                        crossing.limit(),
                        crossing.periodStart(),
                        crossing.crossedAt(),
                        paid ? paidTier(subscription, crossing.limit()) : "FREE",
                        renewsAt);
        String causeKey =
                crossing.userId()
                        + ":"
                        + (paid ? crossing.periodStart().toEpochMilli() : "lifetime")
                        + ":"
                        + crossing.percent();
        return Optional.of(Notification.of(kind, alert, causeKey));
    }

    /**
     * The tier a paid crossing happened on: the last reported one, or, when the subscription's
     * state has not arrived yet, the paid tier whose limit the crossing quotes.
     */
    private static String paidTier(Subscription subscription, long limit) {
        if (!"FREE".equals(subscription.tier())) {
            return subscription.tier();
        }
        return Arrays.stream(Tier.values())
                .filter(tier -> tier.paid() && tier.limit() == limit)
                .map(Tier::name)
                .findFirst()
                .orElse("payant");
    }

    private void reported(Subscription state, Instant now) {
        Optional<Subscription> kept = store.subscription(state.userId());
        if (kept.isPresent() && !state.isNewerThan(kept.get())) {
            return;
        }
        store.saveSubscription(state);
        Subscription before = kept.orElseGet(() -> Subscription.free(state.userId()));
        for (Kind kind : SubscriptionChanges.between(before, state)) {
            if (isStale(state.updatedAt(), now)) {
                metrics.stale(kind);
                continue;
            }
            SubscriptionAlert alert =
                    new SubscriptionAlert(
                            state.userId(),
                            SubscriptionChanges.changeName(kind),
                            state.tier(),
                            before.tier(),
                            state.status(),
                            state.periodEnd(),
                            state.updatedAt());
            queue(
                    List.of(Notification.of(kind, alert, state.userId() + ":" + state.stateKey())),
                    now);
        }
    }

    private void queue(List<Notification> notifications, Instant now) {
        Map<String, List<Channel>> queued = store.queueAll(notifications, now);
        for (Notification notification : notifications) {
            for (Channel channel : queued.getOrDefault(notification.id(), List.of())) {
                metrics.queued(notification.kind(), channel);
            }
        }
    }

    private boolean isStale(Instant occurredAt, Instant now) {
        return occurredAt.isBefore(now.minus(staleAfter));
    }
}
