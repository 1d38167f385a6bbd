package io.tokenmeter.notification.delivery;

import java.time.Instant;
import java.util.List;

/** The outbox as delivery sees it (port). */
public interface DeliveryQueue {

    /**
     * Claims up to {@code limit} PENDING deliveries that are due at {@code now}, each the oldest
     * PENDING one of its user on its channel, and hides them from other claims until {@code
     * leaseUntil}. Concurrent claims never return the same delivery.
     */
    List<Delivery> claimDue(Instant now, int limit, Instant leaseUntil);

    void record(List<Attempted> attempts);
}
