package io.tokenmeter.metering.usage;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Optional;

/**
 * What a user is on now, from their latest subscription state: a tier and, for a paid tier, the
 * current Stripe billing period. A user nobody has heard of is on {@link #FREE}.
 */
public record Plan(Tier tier, Optional<Instant> periodStart, Optional<Instant> periodEnd) {

    public static final Plan FREE = new Plan(Tier.FREE, Optional.empty(), Optional.empty());

    /** A paid tier's plan in that period; FREE has no period. */
    public static Plan of(Tier tier, Optional<Instant> periodStart, Optional<Instant> periodEnd) {
        return tier.paid() ? new Plan(tier, periodStart, periodEnd) : FREE;
    }

    /**
     * The bucket current usage counts in: the paid period's start, or empty for the lifetime FREE
     * allowance (also used by a paid tier whose period Stripe has not reported yet).
     */
    public Optional<Instant> bucket() {
        return tier.paid() ? periodStart : Optional.empty();
    }
}
