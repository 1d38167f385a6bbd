package io.tokenmeter.systembench;

import java.util.Arrays;

/** Latency samples in nanoseconds, appended by one thread; percentiles in milliseconds. */
final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    void add(long sample) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = sample;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.nanos[i]);
        }
    }

    int size() {
        return size;
    }

    /** The p-th percentile (nearest rank) in milliseconds; NaN without samples. */
    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(p / 100 * size) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
