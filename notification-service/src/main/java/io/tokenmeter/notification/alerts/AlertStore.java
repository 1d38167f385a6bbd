package io.tokenmeter.notification.alerts;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
     * Queues the notification on every channel, unless it is already queued (same id): returns the
     * channels it was newly queued on.
     */
    List<Channel> queue(Notification notification, Instant queuedAt);

    /**
     * {@link #queue} for each notification, in their order (a store may write them at once): per
     * notification id, the channels it was newly queued on; a notification queued already, or twice
     * in the list, is newly queued at most once.
     */
    default Map<String, List<Channel>> queueAll(
            List<Notification> notifications, Instant queuedAt) {
        Map<String, List<Channel>> queued = new LinkedHashMap<>();
        for (Notification notification : notifications) {
            List<Channel> channels = queue(notification, queuedAt);
            if (!channels.isEmpty()) {
                queued.put(notification.id(), channels);
            }
        }
        return queued;
    }
}
