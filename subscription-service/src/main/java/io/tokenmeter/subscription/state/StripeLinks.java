package io.tokenmeter.subscription.state;

import java.util.Optional;

/** Which user a Stripe subscription or customer belongs to, as learned from linking events. */
public interface StripeLinks {

    /** The user of the subscription, else of the customer (either may be null). */
    Optional<String> userOf(String subscriptionId, String customerId);

    /**
     * Links the subscription and the customer (either may be null) to the user, if not yet linked.
     */
    void link(String userId, String subscriptionId, String customerId);
}
