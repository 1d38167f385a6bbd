package io.tokenmeter.schemas;

import java.util.Locale;
import java.util.Optional;

/**
 * What a user pays for, and the tokens it allows (CONTRACT §1): the one definition every service
 * uses. Records carry a tier as its name (a string, so that each schema file stands alone) and
 * {@code UsageState} carries the limit itself; consumers read the limit from the record where it is
 * there.
 */
public enum Tier {
    /** One allowance for the life of the account, over all time spent on FREE: never resets. */
    FREE(100_000),
    ESSENTIEL(1_200_000),
    PRO(6_000_000),
    MAX(24_000_000);

    private final long limit;

    Tier(long limit) {
        this.limit = limit;
    }

    /** Tokens allowed per billing period (FREE: per lifetime). */
    public long limit() {
        return limit;
    }

    /** Paid tiers start again from 0 at each Stripe billing period; FREE never does. */
    public boolean paid() {
        return this != FREE;
    }

    /**
     * The tier a record or a request names, case-insensitively.
     *
     * @throws IllegalArgumentException for anything but FREE, ESSENTIEL, PRO or MAX
     */
    public static Tier parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("tier is missing");
        }
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tier '" + name + "'");
        }
    }

    /** The paid tier named case-insensitively ({@code pro}, {@code Pro}); FREE is not for sale. */
    public static Optional<Tier> forSale(String name) {
        try {
            Tier tier = parse(name);
            return tier.paid() ? Optional.of(tier) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
