package io.tokenmeter.systembench;

import java.util.Locale;

/**
 * A target of issue 18: a bound a figure must reach ({@code ≥}) or stay within ({@code ≤}). Says
 * whether a measured value meets it and, if not, by how much it misses.
 */
record Target(Bound bound, double limit, String unit) {

    enum Bound {
        AT_LEAST("≥"),
        AT_MOST("≤");

        final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }
    }

    static Target atLeast(double limit, String unit) {
        return new Target(Bound.AT_LEAST, limit, unit);
    }

    static Target atMost(double limit, String unit) {
        return new Target(Bound.AT_MOST, limit, unit);
    }

    boolean met(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        return bound == Bound.AT_LEAST ? value >= limit : value <= limit;
    }

    /**
     * "met", or how far off: for a floor the share of it reached is short of ("missed: 42 % short,
     * ×1.7 to go"); for a ceiling the factor by which it is exceeded ("missed: ×3.2 over").
     */
    String verdict(double value) {
        if (Double.isNaN(value)) {
            return "**not measured**";
        }
        if (met(value)) {
            return "met";
        }
        if (bound == Bound.AT_LEAST) {
            if (value <= 0) {
                return "**missed** (none)";
            }
            return String.format(
                    Locale.ROOT,
                    "**missed**: %.0f %% short (×%.1f to go)",
                    100 * (1 - value / limit),
                    limit / value);
        }
        if (limit == 0) {
            return "**missed** (" + Table.number(value) + " instead of 0)";
        }
        return String.format(Locale.ROOT, "**missed**: ×%.1f over", value / limit);
    }

    String text() {
        return bound.symbol + " " + Table.number(limit) + (unit.isEmpty() ? "" : " " + unit);
    }
}
