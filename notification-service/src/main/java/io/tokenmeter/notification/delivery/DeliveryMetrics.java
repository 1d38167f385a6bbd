package io.tokenmeter.notification.delivery;

import io.tokenmeter.notification.alerts.Channel;
import java.time.Duration;

/** What delivery counts (port). */
public interface DeliveryMetrics {

    /**
     * @param sinceOccurred from what happened (the crossing, the change) to its delivery
     */
    void sent(Channel channel, Duration sinceOccurred);

    void retried(Channel channel);

    /**
     * @param reason a short word (gone, rejected, gave_up): a metric tag
     */
    void failed(Channel channel, String reason);

    /**
     * @param reason a short word (no_address, unsubscribed, ...): a metric tag
     */
    void skipped(Channel channel, String reason);
}
