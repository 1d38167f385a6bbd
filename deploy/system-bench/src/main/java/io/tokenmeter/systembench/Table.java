package io.tokenmeter.systembench;

import java.util.List;
import java.util.Locale;

/** The benchmark's one table, as Markdown (readable as it is in a terminal). */
final class Table {

    private Table() {}

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| phase | figure | measured | target | met? | naive baseline | ratio |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append("| ")
                    .append(row.phase())
                    .append(" | ")
                    .append(row.figure())
                    .append(" | ")
                    .append(measured(row))
                    .append(" | ")
                    .append(row.target() == null ? "—" : row.target().text())
                    .append(" | ")
                    .append(row.verdict())
                    .append(" | ")
                    .append(baseline(row))
                    .append(" | ")
                    .append(Double.isNaN(row.ratio()) ? "—" : ratio(row.ratio()))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** One decimal from ×1 on, two below (a service 20 times slower than naive is ×0.05). */
    static String ratio(double ratio) {
        if (ratio >= 10) {
            return String.format(Locale.ROOT, "×%.0f", ratio);
        }
        return String.format(Locale.ROOT, ratio >= 1 ? "×%.1f" : "×%.2f", ratio);
    }

    private static String measured(Row row) {
        String value =
                Double.isNaN(row.value())
                        ? "—"
                        : "**"
                                + number(row.value())
                                + (row.unit().isEmpty() ? "" : " " + row.unit())
                                + "**";
        return row.note().isEmpty() ? value : value + " (" + row.note() + ")";
    }

    private static String baseline(Row row) {
        if (Double.isNaN(row.baseline())) {
            return "—";
        }
        return number(row.baseline())
                + (row.unit().isEmpty() ? "" : " " + row.unit())
                + (row.baselineText().isEmpty() ? "" : " (" + row.baselineText() + ")");
    }

    /**
     * A figure as people read it: thousands separated by commas, one decimal below 100 and two
     * below 10 (latencies in ms, seconds, GB), none above.
     */
    static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value) && magnitude >= 10) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
