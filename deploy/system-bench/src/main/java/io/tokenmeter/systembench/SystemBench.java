package io.tokenmeter.systembench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The system benchmark ({@code ./bench}, issue 18): the five service jars as processes with their
 * JVM options, the {@code kafka_2.13} broker, a fresh database on the machine's PostgreSQL, then
 * the phases one after another, each once every consumer group has caught up. Prints one table and
 * writes it at the top of docs/benchmarks.md. Every child process is stopped and the database
 * dropped at the end, on failure and on Ctrl-C.
 *
 * <pre>
 * ./bench [--quick] [--phases startup,subscriptions,webhooks,status,steady,notifications,reservations,backlog,replay,settlement] [--no-docs] [--jfr]
 * </pre>
 */
public final class SystemBench {

    static final Duration CATCH_UP = Duration.ofMinutes(3);

    private SystemBench() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path root =
                Path.of(System.getProperty("tokenmeter.home", ".")).toAbsolutePath().normalize();
        String run =
                DateTimeFormatter.ofPattern("HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        String loadAtStart = Machine.loadAverage();
        log("run %s: %s; load average %s", run, options.phases(), loadAtStart);
        List<Row> rows = new ArrayList<>();
        Stack stack = new Stack(root, run, options.jfr());
        Thread stopper = new Thread(stack::close, "bench-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean complete = false;
        try {
            stack.startInfrastructure();
            log(
                    "broker %s, database %s, logs in %s",
                    stack.bootstrap(), stack.databaseName, stack.logs);
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    stack.bootstrap()))) {
                Lag lag = new Lag(admin);
                Phases phases = new Phases(stack, options, lag, run, rows);
                if (options.runs("startup")) {
                    phases.startupAlone();
                }
                if (options.runs("startup-options")) {
                    new StartupOptions(stack, options, rows).run();
                }
                try {
                    Map<String, Duration> together = stack.startAll(options.serviceJvm());
                    log("all five ready: %s", together);
                    phases.startupTogether(together);
                    phases.memory("just started");
                } catch (Exception e) {
                    log("the services did not all start: %s", e);
                    rows.add(
                            Row.failed(
                                    "start-up",
                                    "all five together, launch → all ready",
                                    "failed: " + e.getMessage()));
                }
                for (String phase : options.phases()) {
                    if (phase.startsWith("startup")) {
                        continue;
                    }
                    if (!stack.allAlive()) {
                        rows.add(
                                Row.failed(
                                        phase, "—", "not run: a service died; see " + stack.logs));
                        continue;
                    }
                    try {
                        Duration waited = lag.awaitCaughtUp(CATCH_UP);
                        log(
                                "%s: every group caught up (waited %.1f s); load average %s",
                                phase, waited.toMillis() / 1e3, Machine.loadAverage());
                        CpuTime before = CpuTime.sample(stack.processes(), stack.stoppedCpu());
                        switch (phase) {
                            case "subscriptions" -> phases.subscriptionBurst();
                            case "webhooks" -> phases.webhooks();
                            case "status" -> phases.statusReads();
                            case "steady" -> phases.steady();
                            case "notifications" -> phases.notifications();
                            case "reservations" -> phases.reservations();
                            case "backlog" -> phases.backlog();
                            case "replay" -> phases.replay();
                            case "settlement" -> phases.settlement();
                            default -> throw new IllegalStateException(phase);
                        }
                        rows.add(
                                cpuRow(
                                        phase,
                                        before,
                                        CpuTime.sample(stack.processes(), stack.stoppedCpu())));
                    } catch (Exception e) {
                        log("%s failed: %s", phase, e);
                        rows.add(Row.failed(phase, "—", "failed: " + e.getMessage()));
                    }
                }
                phases.memory("at the end");
            }
            complete = true;
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        String table = Table.markdown(rows);
        String loadAtEnd = Machine.loadAverage();
        System.out.println();
        System.out.println(table);
        String headline = headline(options, started, loadAtStart, loadAtEnd, complete);
        long failed = rows.stream().filter(Row::failed).count();
        if (options.writeDocs() && !options.phases().containsAll(Options.DEFAULT)) {
            log(
                    "docs/benchmarks.md left alone: it shows runs of every phase (--phases picked some)");
        } else if (options.writeDocs() && failed > 0) {
            // A broken run must not replace the last complete one as the headline.
            log("docs/benchmarks.md left alone: %d figures could not be measured", failed);
        } else if (options.writeDocs()) {
            Path page = root.resolve("docs/benchmarks.md");
            Files.writeString(page, Docs.update(Files.readString(page), headline + "\n\n" + table));
            log("written to %s", page);
        }
        long missed = rows.stream().filter(r -> !r.met()).count();
        log(
                "%d of %d figures miss their target; load average at the end %s",
                missed, rows.size(), loadAtEnd);
    }

    private static String headline(
            Options options,
            ZonedDateTime started,
            String loadStart,
            String loadEnd,
            boolean complete)
            throws IOException {
        String command =
                "./bench"
                        + (options.arguments().isEmpty()
                                ? ""
                                : " " + String.join(" ", options.arguments()));
        return "## The system as deployed (`./bench`)\n\n"
                + "The five services as processes as they run everywhere (`java "
                + String.join(" ", options.serviceJvm())
                + " -XX:SharedArchiveFile=app.jsa -jar`, each from its jar extracted with its class"
                + " data sharing archive), the `kafka_2.13` broker as a process, a fresh database on"
                + " the machine's"
                + " PostgreSQL, the load generator in one more JVM: everything on one machine. Each"
                + " phase starts once every consumer group has caught up. The per-service rows below"
                + " are diagnostics.\n\n"
                + "- run: "
                + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).format(started)
                + (options.quick() ? " — **quick run: a tenth of each size and duration**" : "")
                // Only the load at the start says whether other work shared the machine: the
                // load at the end is mostly the benchmarked system's own.
                + (Machine.busy(loadStart)
                        ? " — **measured under load**: other work shared the machine (load"
                                + " average above the CPU count at the start), so the figures are"
                                + " pessimistic"
                        : "")
                + (complete ? "" : " — **incomplete: the run stopped early**")
                + "\n- machine: "
                + Machine.description()
                + "\n- load average (1/5/15 min) at the start: "
                + loadStart
                + "; at the end: "
                + loadEnd
                + "\n- command: `"
                + command
                + "`";
    }

    /**
     * What the phase cost each process, in cores of this machine: which part its figures waited
     * for, and whether the machine was the limit (no target: a diagnostic).
     */
    private static Row cpuRow(String phase, CpuTime before, CpuTime after) {
        return Row.of(
                        "cpu",
                        phase
                                + ": cores used by the system (of "
                                + Runtime.getRuntime().availableProcessors()
                                + ")",
                        after.coresOfSystemSince(before),
                        "cores",
                        null)
                .note(after.coresSince(before));
    }

    static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
