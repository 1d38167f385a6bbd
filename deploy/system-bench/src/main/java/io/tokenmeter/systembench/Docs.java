package io.tokenmeter.systembench;

/** The system benchmark's section at the top of docs/benchmarks.md, replaced on every run. */
final class Docs {

    static final String BEGIN = "<!-- system-bench:begin (written by ./bench: edit outside) -->";
    static final String END = "<!-- system-bench:end -->";

    private Docs() {}

    /**
     * {@code page} with {@code section} between the markers: in place of the previous run's
     * section, else right below the page's title.
     */
    static String update(String page, String section) {
        String block = BEGIN + "\n" + section.strip() + "\n" + END;
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin >= 0 && end > begin) {
            return page.substring(0, begin) + block + page.substring(end + END.length());
        }
        int titleEnd = page.startsWith("# ") ? page.indexOf('\n') : -1;
        if (titleEnd < 0) {
            return block + "\n\n" + page;
        }
        return page.substring(0, titleEnd + 1) + "\n" + block + "\n" + page.substring(titleEnd + 1);
    }
}
