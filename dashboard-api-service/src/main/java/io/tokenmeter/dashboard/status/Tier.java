package io.tokenmeter.dashboard.status;

import java.util.Locale;

/** The four tiers of CONTRACT §1 and their token limits. */
public enum Tier {
    /** A one-shot allowance for the life of the account: never resets. */
    FREE(100_000L),
    ESSENTIEL(1_200_000L),
    PRO(6_000_000L),
    MAX(24_000_000L);

    private final long limit;

    Tier(long limit) {
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Paid tiers start again from 0 at each Stripe billing period; FREE never does. */
    public boolean resetsEachPeriod() {
        return this != FREE;
    }

    /**
     * The tier a record names.
     *
     * @throws IllegalArgumentException for anything but FREE, ESSENTIEL, PRO or MAX
     */
    public static Tier named(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown tier '" + name + "'");
        }
    }
}
