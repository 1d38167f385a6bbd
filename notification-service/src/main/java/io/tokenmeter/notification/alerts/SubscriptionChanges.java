package io.tokenmeter.notification.alerts;

import java.util.ArrayList;
import java.util.List;

/**
 * Which changes between two states of a user's subscription are told: a cancellation (and nothing
 * else with it), else a payment that failed or went through after a failure, and a new tier.
 */
final class SubscriptionChanges {

    private SubscriptionChanges() {}

    static List<Kind> between(Subscription before, Subscription after) {
        List<Kind> kinds = new ArrayList<>(2);
        if (after.isCanceled()) {
            if (!before.isCanceled()) {
                kinds.add(Kind.CANCELED);
            }
            return kinds;
        }
        if (after.paymentFailed() && !before.paymentFailed()) {
            kinds.add(Kind.PAYMENT_FAILED);
        } else if (before.paymentFailed() && !after.paymentFailed()) {
            kinds.add(Kind.PAYMENT_RECOVERED);
        }
        if (!after.tier().equals(before.tier())) {
            kinds.add(Kind.TIER_CHANGED);
        }
        return kinds;
    }

    static String changeName(Kind kind) {
        return switch (kind) {
            case PAYMENT_FAILED -> "payment_failed";
            case PAYMENT_RECOVERED -> "payment_recovered";
            case TIER_CHANGED -> "tier_changed";
            case CANCELED -> "canceled";
            default -> throw new IllegalArgumentException(kind + " is no subscription change");
        };
    }
}
