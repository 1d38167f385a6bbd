package io.tokenmeter.systembench;

import io.tokenmeter.localstack.ClassDataSharing;
import io.tokenmeter.localstack.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 18, item 3: each service's launch → ready, alone and all five together, as shipped (the jar
 * extracted with Spring Boot's {@code -Djarmode=tools extract} and started with its AppCDS archive:
 * {@link ClassDataSharing}) and the alternatives: the fat jar as {@code java -jar} ran it before,
 * the extracted jar without the archive, and the remedies not adopted on top of the shipped start
 * (C1 only, Spring's lazy initialisation). Run with {@code ./bench --phases startup-options}.
 */
final class StartupOptions {

    /** How one variant launches a service (returning at once). */
    @FunctionalInterface
    interface Launch {
        ServiceProcess launch(String service) throws IOException;
    }

    record Variant(String name, Launch launch) {}

    private final Stack stack;
    private final Options options;
    private final List<Row> rows;

    StartupOptions(Stack stack, Options options, List<Row> rows) {
        this.stack = stack;
        this.options = options;
        this.rows = rows;
    }

    void run() throws Exception {
        List<String> shipped = options.serviceJvm();
        List<Variant> variants =
                List.of(
                        new Variant(
                                "as shipped (extracted jar + AppCDS archive)",
                                service -> stack.launch(service, shipped)),
                        new Variant(
                                "fat jar (java -jar, no archive)",
                                service -> stack.launchJar(service, fatJar(service), shipped)),
                        new Variant(
                                "extracted jar, no archive",
                                service -> stack.launchJar(service, extracted(service), shipped)),
                        new Variant(
                                "as shipped + C1 only (-XX:TieredStopAtLevel=1)",
                                service ->
                                        stack.launch(
                                                service, plus(shipped, "-XX:TieredStopAtLevel=1"))),
                        new Variant(
                                "as shipped + lazy initialisation"
                                        + " (-Dspring.main.lazy-initialization=true)",
                                service ->
                                        stack.launch(
                                                service,
                                                plus(
                                                        shipped,
                                                        "-Dspring.main.lazy-initialization=true"))));
        for (Variant variant : variants) {
            try {
                measure(variant);
            } catch (Exception | Error e) {
                stack.stopAllServices();
                SystemBench.log("start-up, %s: failed: %s", variant.name(), e);
                rows.add(
                        Row.failed(
                                "start-up options", variant.name(), "failed: " + e.getMessage()));
            }
        }
    }

    private Path fatJar(String service) {
        return new ServiceProcess.Definition(service, 0).jar(stack.root);
    }

    /** The extracted jar the shipped start uses, prepared by the stack before any start. */
    private Path extracted(String service) {
        return ClassDataSharing.prepare(fatJar(service))
                .orElseThrow(
                        () -> new IllegalStateException(service + ": no extracted jar; see logs"))
                .jar();
    }

    private void measure(Variant variant) throws Exception {
        Map<String, Double> alone = new LinkedHashMap<>();
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            long start = System.nanoTime();
            try {
                launch(variant, service.name()).awaitReady();
                alone.put(service.name(), (System.nanoTime() - start) / 1e9);
            } finally {
                stack.stop(service.name());
            }
        }
        long start = System.nanoTime();
        Map<String, ServiceProcess> launched = new LinkedHashMap<>();
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            launched.put(service.name(), launch(variant, service.name()));
        }
        Map<String, Double> together = new LinkedHashMap<>();
        try {
            ServiceProcess.awaitReady(launched, start)
                    .forEach((name, time) -> together.put(name, time.toNanos() / 1e9));
        } finally {
            stack.stopAllServices();
        }
        double slowestAlone =
                alone.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double all =
                together.values().stream()
                        .mapToDouble(Double::doubleValue)
                        .max()
                        .orElse(Double.NaN);
        SystemBench.log(
                "start-up, %s: alone %s, together %s; load average %s",
                variant.name(), alone, together, Machine.loadAverage());
        rows.add(
                Row.of(
                                "start-up options",
                                variant.name() + ": slowest service alone",
                                slowestAlone,
                                "s",
                                Target.atMost(15, "s"))
                        .note(each(alone) + " s"));
        rows.add(
                Row.of(
                                "start-up options",
                                variant.name() + ": all five together",
                                all,
                                "s",
                                Target.atMost(30, "s"))
                        .note(each(together) + " s; load average " + Machine.loadAverage()));
    }

    private ServiceProcess launch(Variant variant, String service) throws IOException {
        return variant.launch().launch(service);
    }

    private static List<String> plus(List<String> options, String... more) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(more));
        return all;
    }

    private static String each(Map<String, Double> times) {
        StringBuilder out = new StringBuilder();
        times.forEach(
                (service, seconds) ->
                        out.append(out.isEmpty() ? "" : ", ")
                                .append(Phases.shortName(service))
                                .append(' ')
                                .append(String.format(Locale.ROOT, "%.1f", seconds)));
        return out.toString();
    }
}
