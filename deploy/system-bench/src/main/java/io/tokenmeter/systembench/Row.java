package io.tokenmeter.systembench;

/**
 * One line of the benchmark's table: a figure of a phase, its target (null when the issue sets
 * none), and a naive baseline measured in the same run where one makes sense.
 *
 * @param value the figure, NaN when it could not be measured
 * @param note what qualifies the figure (samples, lag, failure reason), may be empty
 * @param baseline what a naive way of doing the same achieves, NaN when there is none
 * @param baselineText how the baseline was measured, empty when there is none
 * @param higherIsBetter whether the ratio is value / baseline (true) or baseline / value
 */
record Row(
        String phase,
        String figure,
        double value,
        String unit,
        String note,
        Target target,
        double baseline,
        String baselineText,
        boolean higherIsBetter) {

    static Row of(String phase, String figure, double value, String unit, Target target) {
        return new Row(phase, figure, value, unit, "", target, Double.NaN, "", true);
    }

    static Row failed(String phase, String figure, String reason) {
        return new Row(phase, figure, Double.NaN, "", reason, null, Double.NaN, "", true);
    }

    Row note(String text) {
        return new Row(
                phase, figure, value, unit, text, target, baseline, baselineText, higherIsBetter);
    }

    Row baseline(double naive, String how, boolean higher) {
        return new Row(phase, figure, value, unit, note, target, naive, how, higher);
    }

    /** How many times better than the naive baseline, NaN without one. */
    double ratio() {
        if (Double.isNaN(baseline) || Double.isNaN(value) || baseline == 0 || value == 0) {
            return Double.NaN;
        }
        return higherIsBetter ? value / baseline : baseline / value;
    }

    String verdict() {
        if (target == null) {
            return Double.isNaN(value) ? "**not measured**" : "—";
        }
        return target.verdict(value);
    }

    /** A figure that could not be measured ({@link #failed}): it never counts as met. */
    boolean failed() {
        return Double.isNaN(value) && unit.isEmpty() && target == null;
    }

    boolean met() {
        return !failed() && (target == null || target.met(value));
    }
}
