package io.tokenmeter.notification.alerts;

import java.time.Instant;
import java.util.Optional;

/** Where alerts keep what they need (port): the last state per user and the outbox. */
public interface AlertStore {

    Optional<Subscription> subscription(String userId);

    void saveSubscription(Subscription state);

    /**
     * Queues the notification on every channel, unless it is already queued (same id): returns the
     * channels it was newly queued on.
     */
    java.util.List<Channel> queue(Notification notification, Instant queuedAt);
}
