package io.tokenmeter.metering.usage;

import java.util.Locale;

/** The plans a user can be on, with the tokens each allows (CONTRACT §1). */
public enum Tier {
    /** One allowance for the life of the account, over all time spent on FREE. */
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

    public boolean paid() {
        return this != FREE;
    }

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
}
