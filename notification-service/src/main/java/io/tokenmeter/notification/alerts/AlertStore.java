package io.tokenmeter.notification.alerts;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where alerts keep what they need (port): the last state per user and the outbox. */
public interface AlertStore {

    Optional<Subscription> subscription(String userId);

    /** The last states of those of {@code userIds} that have one; a store may read them at once. */
    default Map<String, Subscription> subscriptions(Collection<String> userIds) {
        Map<String, Subscription> known = new HashMap<>();
        for (String userId : userIds) {
            subscription(userId).ifPresent(state -> known.put(userId, state));
        }
        return known;
    }

    void saveSubscription(Subscription state);

    /**
     * Queues each notification on every channel, in their order, unless it is queued already (same
     * id): per notification id, the channels it was newly queued on; a notification queued already,
     * or twice in the list, is newly queued at most once.
     */
    Map<String, List<Channel>> queueAll(List<Notification> notifications, Instant queuedAt);
}
