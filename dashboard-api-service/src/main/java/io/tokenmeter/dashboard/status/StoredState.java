package io.tokenmeter.dashboard.status;

import java.util.List;
import java.util.Optional;

/**
 * What the read model holds for one user: the subscription snapshot, if any, and the usage buckets
 * that can matter for it (the FREE bucket and the subscription's current period).
 */
public record StoredState(Optional<SubscriptionSnapshot> subscription, List<UsageSnapshot> usage) {

    public static final StoredState NOTHING = new StoredState(Optional.empty(), List.of());
}
