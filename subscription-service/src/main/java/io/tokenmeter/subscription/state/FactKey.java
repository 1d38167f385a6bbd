package io.tokenmeter.subscription.state;

import java.time.Instant;
import java.util.Comparator;

/**
 * The position of a Stripe event in a user's history: Stripe's {@code created} second, then the
 * {@link FactKind} tie-break order, then the event id (any fixed order will do; ids are unique).
 * Every replica, every replay and every delivery order sorts the same events the same way.
 */
public record FactKey(Instant created, FactKind kind, String eventId)
        implements Comparable<FactKey> {

    private static final Comparator<FactKey> ORDER =
            Comparator.comparing(FactKey::created)
                    .thenComparing(FactKey::kind)
                    .thenComparing(FactKey::eventId);

    @Override
    public int compareTo(FactKey other) {
        return ORDER.compare(this, other);
    }
}
