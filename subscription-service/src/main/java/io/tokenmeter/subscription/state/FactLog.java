package io.tokenmeter.subscription.state;

import java.util.List;

/**
 * Every fact applied to a user, and the facts no user is known for yet ("parked": a subscription
 * event that arrived before the checkout that links it).
 */
public interface FactLog {

    /**
     * Stores {@code fact} for {@code userId}, or parked when {@code userId} is null. Returns false
     * when a fact of the same {@linkplain StripeFact#identity() identity} was already stored for
     * that user.
     */
    boolean append(StripeFact fact, String userId);

    /**
     * Gives {@code userId} the parked facts about {@code subscriptionId} or {@code customerId}
     * (either may be null); returns how many.
     */
    int claimParked(String userId, String subscriptionId, String customerId);

    /** All facts of a user, in no particular order. */
    List<StripeFact> of(String userId);
}
