package io.tokenmeter.notification.delivery;

import io.tokenmeter.notification.alerts.Channel;
import io.tokenmeter.notification.alerts.Notification;
import java.time.Instant;

/**
 * A notification on its way on one channel: the outbox row a worker claimed.
 *
 * @param seq the row's place in the outbox: a user's deliveries on a channel go in this order
 * @param attempts attempts made before this one
 */
public record Delivery(
        long seq, Notification notification, Channel channel, int attempts, Instant queuedAt) {}
