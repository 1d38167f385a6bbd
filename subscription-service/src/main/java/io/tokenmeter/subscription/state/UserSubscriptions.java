package io.tokenmeter.subscription.state;

import java.time.Instant;
import java.util.Optional;

/** The stored aggregates, read and written one at a time. */
public interface UserSubscriptions {

    Optional<UserSubscription> find(String userId);

    /**
     * As {@link #find}, holding the user until the transaction ends: a concurrent transaction
     * changing the same user waits, then reads this one's result.
     */
    Optional<UserSubscription> findForChange(String userId);

    /**
     * Stores the state, which changed at {@code updatedAt}, and returns its version: the ordering
     * key of the published state, greater than that of every state stored for the user before, also
     * before a rebuild of this service's database.
     */
    long save(UserSubscription state, Instant updatedAt);
}
