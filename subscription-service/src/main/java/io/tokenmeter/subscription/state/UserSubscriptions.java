package io.tokenmeter.subscription.state;

import java.time.Instant;
import java.util.Optional;

/** The stored aggregates, read and written one at a time. */
public interface UserSubscriptions {

    Optional<UserSubscription> find(String userId);

    /** Stores the state, which changed at {@code updatedAt}. */
    void save(UserSubscription state, Instant updatedAt);
}
