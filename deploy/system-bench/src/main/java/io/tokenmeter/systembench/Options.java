package io.tokenmeter.systembench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What to run: {@code --quick} scales every phase's size and duration to a tenth, {@code --phases
 * a,b} runs only those (in the fixed order; docs/benchmarks.md is written only by runs of every
 * default phase), {@code --no-docs} leaves docs/benchmarks.md alone, {@code --jvm "<options>"} adds
 * JVM options to every service's (to measure one, say {@code -XX:TieredStopAtLevel=1}), {@code
 * --jfr} records a profile of each service process into its log folder. The {@code startup-options}
 * phase (start-up with class data sharing, lazy initialisation, C1 only) and the {@code settlement}
 * phase (metering's rate with and without holds to settle, ABBA after a warm-up) run only when
 * asked for.
 */
record Options(
        boolean quick,
        Set<String> phases,
        boolean writeDocs,
        List<String> extraJvm,
        boolean jfr,
        List<String> arguments) {

    /** Every phase, in the order they run. */
    static final List<String> ALL =
            List.of(
                    "startup",
                    "subscriptions",
                    "webhooks",
                    "status",
                    "steady",
                    "notifications",
                    "reservations",
                    "backlog",
                    "replay",
                    "settlement",
                    "startup-options");

    /** The phases that run only when asked for: paired comparisons, each several runs long. */
    static final List<String> ON_REQUEST = List.of("settlement", "startup-options");

    /** The phases a plain {@code ./bench} runs. */
    static final List<String> DEFAULT =
            ALL.stream().filter(phase -> !ON_REQUEST.contains(phase)).toList();

    static Options parse(List<String> args) {
        boolean quick = false;
        boolean docs = true;
        boolean jfr = false;
        Set<String> phases = new LinkedHashSet<>(DEFAULT);
        List<String> jvm = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--quick" -> quick = true;
                case "--no-docs" -> docs = false;
                case "--jfr" -> jfr = true;
                case "--phases" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--phases needs a list: " + ALL);
                    }
                    phases = phases(args.get(++i));
                }
                case "--jvm" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--jvm needs options, quoted");
                    }
                    jvm.addAll(List.of(args.get(++i).trim().split("\\s+")));
                }
                default -> {
                    if (arg.startsWith("--phases=")) {
                        phases = phases(arg.substring("--phases=".length()));
                    } else {
                        throw new IllegalArgumentException(
                                "unknown argument "
                                        + arg
                                        + "; usage: ./bench [--quick] [--phases "
                                        + String.join(",", ALL)
                                        + "] [--no-docs] [--jvm \"<options>\"] [--jfr]");
                    }
                }
            }
        }
        if (phases.contains("replay") && !phases.contains("backlog")) {
            throw new IllegalArgumentException(
                    "the replay phase replays the backlog's sessions:"
                            + " add backlog to --phases");
        }
        return new Options(quick, phases, docs, List.copyOf(jvm), jfr, List.copyOf(args));
    }

    private static Set<String> phases(String list) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String phase : list.split(",")) {
            String name = phase.trim();
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("unknown phase " + name + "; phases: " + ALL);
            }
            chosen.add(name);
        }
        Set<String> ordered = new LinkedHashSet<>();
        ALL.stream().filter(chosen::contains).forEach(ordered::add);
        return ordered;
    }

    /** Every service's JVM options in this run: theirs, then {@code --jvm}'s. */
    List<String> serviceJvm() {
        List<String> all =
                new java.util.ArrayList<>(io.tokenmeter.localstack.ServiceProcess.JVM_OPTIONS);
        all.addAll(extraJvm);
        return List.copyOf(all);
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** {@code full} for the full run, a tenth of it (at least 1) with {@code --quick}. */
    int scaled(int full) {
        return quick ? Math.max(1, full / 10) : full;
    }
}
