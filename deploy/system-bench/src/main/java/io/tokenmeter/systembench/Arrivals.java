package io.tokenmeter.systembench;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a receiver of the benchmark got, per key (a recipient's address, a webhook's user): how many
 * times and when first ({@link System#nanoTime()} of this JVM, the clock the publishers use too).
 */
final class Arrivals {

    /** One key's arrivals: how many, the first and the last. */
    record Arrival(int count, long firstNanos, long lastNanos) {}

    /**
     * Of the expected keys: how many arrived, how many never did, how many more than once, and when
     * the last first arrival happened ({@link Long#MIN_VALUE} when none did).
     */
    record Tally(int expected, int arrived, int missing, int doubled, long lastNanos) {

        boolean complete() {
            return missing == 0;
        }
    }

    private final ConcurrentHashMap<String, Arrival> byKey = new ConcurrentHashMap<>();

    void record(String key, long nanos) {
        byKey.merge(
                key,
                new Arrival(1, nanos, nanos),
                (was, now) ->
                        new Arrival(
                                was.count() + 1,
                                Math.min(was.firstNanos(), now.firstNanos()),
                                Math.max(was.lastNanos(), now.lastNanos())));
    }

    /** The key's arrivals, null when nothing arrived for it. */
    Arrival get(String key) {
        return byKey.get(key);
    }

    Tally tally(Collection<String> expected) {
        int arrived = 0;
        int doubled = 0;
        long last = Long.MIN_VALUE;
        for (String key : expected) {
            Arrival arrival = byKey.get(key);
            if (arrival == null) {
                continue;
            }
            arrived++;
            if (arrival.count() > 1) {
                doubled++;
            }
            last = Math.max(last, arrival.firstNanos());
        }
        return new Tally(expected.size(), arrived, expected.size() - arrived, doubled, last);
    }
}
