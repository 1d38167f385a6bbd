package io.tokenmeter.notification.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link AlertStore} in memory, with the unique-per-cause rule of the real outbox. */
final class InMemoryAlertStore implements AlertStore, Transactions, AlertMetrics {

    final Map<String, Subscription> states = new HashMap<>();
    final Map<String, Notification> queued = new LinkedHashMap<>();
    final List<Kind> stale = new ArrayList<>();

    @Override
    public Optional<Subscription> subscription(String userId) {
        return Optional.ofNullable(states.get(userId));
    }

    @Override
    public void saveSubscription(Subscription state) {
        states.put(state.userId(), state);
    }

    @Override
    public Map<String, List<Channel>> queueAll(List<Notification> notifications, Instant queuedAt) {
        Map<String, List<Channel>> newlyQueued = new LinkedHashMap<>();
        for (Notification notification : notifications) {
            if (queued.putIfAbsent(notification.id(), notification) == null) {
                newlyQueued.put(notification.id(), List.of(Channel.values()));
            }
        }
        return newlyQueued;
    }

    @Override
    public <T> T inTransaction(java.util.function.Supplier<T> work) {
        return work.get();
    }

    @Override
    public void queued(Kind kind, Channel channel) {}

    @Override
    public void stale(Kind kind) {
        stale.add(kind);
    }
}
