package io.tokenmeter.metering.usage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What the two input topics deliver, as the arrival-order properties see it: the sessions and
 * states of a history, a third of them again (redeliveries), shuffled; delivered in small batches
 * whose two topics' halves reach the meter in either order, as two independent consumers would.
 */
final class Arrivals {

    private Arrivals() {}

    /** The sessions and states, about a third of them twice, in a random order. */
    static List<Object> shuffledWithRedeliveries(
            List<SessionUsage> sessions, List<SubscriptionChange> changes, Random random) {
        List<Object> arrivals = new ArrayList<>();
        arrivals.addAll(sessions);
        arrivals.addAll(changes);
        for (int i = 0; i < (arrivals.size() + 1) / 3; i++) {
            arrivals.add(arrivals.get(random.nextInt(arrivals.size())));
        }
        Collections.shuffle(arrivals, random);
        return arrivals;
    }

    /** Batches of 1 to 5 arrivals; the sessions and the states of a batch in either order. */
    static void deliverInRandomBatches(UsageMeter meter, List<Object> arrivals, Random random) {
        int i = 0;
        while (i < arrivals.size()) {
            int end = Math.min(arrivals.size(), i + 1 + random.nextInt(5));
            List<SessionUsage> sessions = new ArrayList<>();
            List<SubscriptionChange> changes = new ArrayList<>();
            for (Object arrival : arrivals.subList(i, end)) {
                if (arrival instanceof SessionUsage session) {
                    sessions.add(session);
                } else {
                    changes.add((SubscriptionChange) arrival);
                }
            }
            if (random.nextBoolean()) {
                meter.meter(sessions);
                meter.applySubscriptionChanges(changes);
            } else {
                meter.applySubscriptionChanges(changes);
                meter.meter(sessions);
            }
            i = end;
        }
    }
}
