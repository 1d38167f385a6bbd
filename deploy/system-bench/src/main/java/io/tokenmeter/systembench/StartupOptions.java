package io.tokenmeter.systembench;

import io.tokenmeter.localstack.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Issue 18, item 3: each service's launch → ready, alone and all five together, with the shipped
 * options and with each start-up remedy: C1 only, Spring's lazy initialisation, and class data
 * sharing (the jar extracted with Spring Boot's {@code -Djarmode=tools extract}, an archive written
 * by a training run with {@code -XX:ArchiveClassesAtExit} and {@code
 * -Dspring.context.exit=onRefresh}, then used with {@code -XX:SharedArchiveFile}; JDK 17 has no
 * {@code -XX:+AutoCreateSharedArchive}). Run with {@code ./bench --phases startup-options}.
 */
final class StartupOptions {

    record Variant(String name, Function<String, Path> jar, Function<String, List<String>> jvm) {}

    private final Stack stack;
    private final Options options;
    private final List<Row> rows;

    StartupOptions(Stack stack, Options options, List<Row> rows) {
        this.stack = stack;
        this.options = options;
        this.rows = rows;
    }

    void run() throws Exception {
        Path cds = Files.createDirectories(stack.work.resolve("cds"));
        List<String> shipped = options.serviceJvm();
        Function<String, Path> fatJar =
                service -> new ServiceProcess.Definition(service, 0).jar(stack.root);
        Function<String, Path> extracted =
                service -> cds.resolve(service).resolve(service + ".jar");
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            prepareCds(service.name(), cds.resolve(service.name()), shipped);
        }
        List<Variant> variants =
                List.of(
                        new Variant("as shipped (fat jar)", fatJar, s -> shipped),
                        new Variant(
                                "C1 only (-XX:TieredStopAtLevel=1)",
                                fatJar,
                                s -> plus(shipped, "-XX:TieredStopAtLevel=1")),
                        new Variant(
                                "lazy initialisation (-Dspring.main.lazy-initialization=true)",
                                fatJar,
                                s -> plus(shipped, "-Dspring.main.lazy-initialization=true")),
                        new Variant("extracted jar, no archive", extracted, s -> shipped),
                        new Variant(
                                "extracted jar + AppCDS archive",
                                extracted,
                                s ->
                                        plus(
                                                shipped,
                                                "-XX:SharedArchiveFile="
                                                        + cds.resolve(s).resolve("app.jsa"))),
                        new Variant(
                                "extracted jar + AppCDS + lazy initialisation",
                                extracted,
                                s ->
                                        plus(
                                                shipped,
                                                "-XX:SharedArchiveFile="
                                                        + cds.resolve(s).resolve("app.jsa"),
                                                "-Dspring.main.lazy-initialization=true")));
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
        return stack.launch(service, variant.jar().apply(service), variant.jvm().apply(service));
    }

    /** Extracts the jar into {@code directory} and writes its class archive with a training run. */
    private void prepareCds(String service, Path directory, List<String> jvm) throws Exception {
        Path jar = new ServiceProcess.Definition(service, 0).jar(stack.root);
        Path log = stack.logs.resolve(service + "-cds.log");
        run(
                List.of(
                        javaExecutable(),
                        "-Djarmode=tools",
                        "-jar",
                        jar.toString(),
                        "extract",
                        "--force",
                        "--destination",
                        directory.toString()),
                log,
                Map.of());
        List<String> training = new ArrayList<>();
        training.add(javaExecutable());
        training.addAll(jvm);
        training.add("-XX:ArchiveClassesAtExit=" + directory.resolve("app.jsa"));
        training.add("-Dspring.context.exit=onRefresh");
        training.add("-jar");
        training.add(directory.resolve(service + ".jar").toString());
        Map<String, String> environment = new LinkedHashMap<>(stack.environment());
        environment.put("SERVER_PORT", String.valueOf(stack.port(service)));
        long start = System.nanoTime();
        run(training, log, environment);
        SystemBench.log(
                "%s: class archive written in %.1f s", service, (System.nanoTime() - start) / 1e9);
    }

    private static void run(List<String> command, Path log, Map<String, String> environment)
            throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
