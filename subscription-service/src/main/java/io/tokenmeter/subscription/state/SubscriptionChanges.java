package io.tokenmeter.subscription.state;

import java.time.Instant;

/**
 * Where a changed subscription is announced ({@code billing.subscription-state.v1}). Called in the
 * transaction that stores the change, so the two happen together or not at all.
 */
public interface SubscriptionChanges {

    /** {@code version}: what {@link UserSubscriptions#save} returned for this state. */
    void changed(UserSubscription state, Instant updatedAt, long version);
}
