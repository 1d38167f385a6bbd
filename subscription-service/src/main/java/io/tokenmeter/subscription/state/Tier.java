package io.tokenmeter.subscription.state;

import java.util.Locale;
import java.util.Optional;

/** What a user pays for, which fixes their token limit (CONTRACT §1). */
public enum Tier {
    FREE,
    ESSENTIEL,
    PRO,
    MAX;

    /** The paid tier named case-insensitively ({@code pro}, {@code Pro}); FREE is not for sale. */
    public static Optional<Tier> paid(String name) {
        for (Tier tier : values()) {
            if (tier != FREE && tier.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}
