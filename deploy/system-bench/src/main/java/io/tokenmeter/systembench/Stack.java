package io.tokenmeter.systembench;

import io.tokenmeter.localstack.KafkaBroker;
import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.localstack.Topics;
import io.tokenmeter.testsupport.TestJwts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The system under test: the {@code kafka_2.13} broker as a child process, a fresh database on the
 * machine's PostgreSQL, the catalogue's topics, an SMTP server and the grading app's webhook
 * endpoint (both in this JVM, counting what notification-service delivers), and the five services
 * as they run everywhere ({@link ServiceProcess#launch}: the extracted jar with its class data
 * sharing archive, {@link ServiceProcess#JVM_OPTIONS}), each on a free port. {@link #close()} stops
 * every child and drops the database; it is safe to call twice (once from the shutdown hook on
 * Ctrl-C).
 */
final class Stack implements AutoCloseable {

    static final String WEBHOOK_SECRET = "whsec_system_bench_only";
    static final String METERING_TOKEN = "system-bench-metering-token";
    static final String NOTIFY_WEBHOOK_SECRET =
            "whsec_c3lzdGVtLWJlbmNoLW5vdGlmaWNhdGlvbi1ob29rcyE=";
    static final String PRICE_PRO = "price_bench_pro";
    static final String PRICE_ESSENTIEL = "price_bench_essentiel";
    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

    final Path root;
    final Path work;
    final Path logs;
    final String databaseName;
    final String databaseUrl;
    private KafkaBroker broker;
    private MailSink mail;
    private WebhookSink hooks;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Map<String, String> environment;
    private final boolean jfr;
    private boolean closed;

    private final Set<Integer> handedOut = new HashSet<>();
    private final Map<String, Map<Long, Long>> stoppedCpu = new LinkedHashMap<>();

    /** {@code jfr}: each service records a JFR profile to {@code <logs>/<service>.jfr}. */
    Stack(Path root, String run, boolean jfr) throws IOException {
        this.root = root;
        this.jfr = jfr;
        this.work = Files.createDirectories(root.resolve("target/system-bench/" + run));
        this.logs = Files.createDirectories(work.resolve("logs"));
        this.databaseName = "tokenmeter_bench_" + run;
        this.databaseUrl = POSTGRES + databaseName;
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            ports.put(service.name(), freeServicePort());
        }
    }

    /** Broker, database, topics, mail and webhook receivers; no service yet. */
    synchronized void startInfrastructure() throws Exception {
        broker = KafkaBroker.start(work.resolve("kafka"), logs, freePort(), freePort());
        try (Connection connection =
                        DriverManager.getConnection(POSTGRES + "postgres", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + databaseName);
        }
        Topics.createAll(bootstrap());
        mail = MailSink.start(freePort());
        // Its port from freePort() too: bound to port 0, the system may give it one a service was
        // handed out and has not bound yet.
        hooks = WebhookSink.start(freePort(), NOTIFY_WEBHOOK_SECRET);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("DATABASE_URL", databaseUrl);
        env.put("DATABASE_USER", "postgres");
        env.put("DATABASE_PASSWORD", "");
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("STRIPE_SECRET_KEY", "sk_test_system_bench_only");
        env.put("STRIPE_PRICE_ID_ESSENTIEL", PRICE_ESSENTIEL);
        env.put("STRIPE_PRICE_ID_PRO", PRICE_PRO);
        env.put("STRIPE_PRICE_ID_MAX", "price_bench_max");
        env.put("FRONTEND_URL", "http://localhost:8080");
        env.put("AUTH_JWT_SECRET", TestJwts.SECRET);
        env.put("METERING_API_TOKEN", METERING_TOKEN);
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(mail.port()));
        env.put("NOTIFY_WEBHOOK_URL", hooks.url());
        env.put("NOTIFY_WEBHOOK_SECRET", NOTIFY_WEBHOOK_SECRET);
        env.put("MAIL_FROM", "tokenmeter <notifications@tokenmeter.local>");
        env.put("PUBLIC_BASE_URL", "http://localhost:8084");
        env.put("TOKENMETER_ENV", "development");
        environment = Map.copyOf(env);
        // Before any start is timed: after a build, each service's archive is trained first.
        long start = System.nanoTime();
        ServiceProcess.prepareAll(root);
        SystemBench.log(
                "class data sharing archives ready in %.1f s (redone only after a build)",
                (System.nanoTime() - start) / 1e9);
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    MailSink mail() {
        return mail;
    }

    WebhookSink hooks() {
        return hooks;
    }

    long brokerPid() {
        return broker.pid();
    }

    Map<String, String> environment() {
        return environment;
    }

    int port(String service) {
        return ports.get(service);
    }

    Connection connection() throws SQLException {
        return DriverManager.getConnection(databaseUrl, "postgres", "");
    }

    /**
     * Launches {@code service} as it runs everywhere (its extracted jar and class data sharing
     * archive) with {@code jvmOptions}; returns without waiting.
     */
    ServiceProcess launch(String service, List<String> jvmOptions) throws IOException {
        return launch(service, null, jvmOptions);
    }

    /**
     * Launches exactly {@code java <jvmOptions> -jar <jar>} for {@code service} (the fat jar, or
     * the extracted one without its archive: comparison rows); returns at once.
     */
    ServiceProcess launchJar(String service, Path jar, List<String> jvmOptions) throws IOException {
        return launch(service, jar, jvmOptions);
    }

    /** {@code plainJar}: started as it is; {@code null}: the shipped start. */
    private synchronized ServiceProcess launch(
            String service, Path plainJar, List<String> jvmOptions) throws IOException {
        if (closed) {
            throw new IllegalStateException("the stack is stopping");
        }
        ServiceProcess running = services.get(service);
        if (running != null && running.isAlive()) {
            throw new IllegalStateException(service + " is running already");
        }
        List<String> options = new ArrayList<>(jvmOptions);
        if (jfr) {
            // One file per launch: a service started again (backlog, replay) keeps the first's.
            Path recording = logs.resolve(service + "-" + System.currentTimeMillis() + ".jfr");
            options.add(
                    "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                            + recording);
        }
        ServiceProcess.Definition definition =
                new ServiceProcess.Definition(service, ports.get(service));
        Path log = logs.resolve(service + ".log");
        ServiceProcess process =
                plainJar == null
                        ? ServiceProcess.launch(
                                definition.jar(root), definition, environment, log, options)
                        : ServiceProcess.launchJar(plainJar, definition, environment, log, options);
        services.put(service, process);
        return process;
    }

    /** Starts {@code service} and waits until it is ready; how long that took. */
    Duration startAndAwait(String service, List<String> jvmOptions) throws Exception {
        long start = System.nanoTime();
        launch(service, jvmOptions).awaitReady();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Launches every service at once and waits for all; each one's launch → ready time, in the
     * order of {@link ServiceProcess#ALL}.
     */
    Map<String, Duration> startAll(List<String> jvmOptions) throws Exception {
        long start = System.nanoTime();
        Map<String, ServiceProcess> launched = new LinkedHashMap<>();
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            launched.put(service.name(), launch(service.name(), jvmOptions));
        }
        return ServiceProcess.awaitReady(launched, start);
    }

    /** Stops {@code service} gracefully and waits for it to exit. */
    synchronized void stop(String service) {
        ServiceProcess process = services.remove(service);
        if (process != null) {
            rememberCpu(service, process);
            process.close();
        }
    }

    synchronized void stopAllServices() {
        List<ServiceProcess> running = new ArrayList<>(services.values());
        services.forEach(this::rememberCpu);
        services.clear();
        CompletableFuture.allOf(
                        running.stream()
                                .map(p -> CompletableFuture.runAsync(p::close))
                                .toArray(CompletableFuture[]::new))
                .join();
    }

    /**
     * The CPU time of each service process stopped so far, per process id, read as it was stopped:
     * a phase that restarts a service still counts what the stopped process used.
     */
    synchronized Map<String, Map<Long, Long>> stoppedCpu() {
        Map<String, Map<Long, Long>> copy = new LinkedHashMap<>();
        stoppedCpu.forEach((service, ticks) -> copy.put(service, Map.copyOf(ticks)));
        return copy;
    }

    private void rememberCpu(String service, ServiceProcess process) {
        stoppedCpu
                .computeIfAbsent(service, name -> new LinkedHashMap<>())
                .put(process.pid(), CpuTime.ticksOf(process.pid()));
    }

    /** The services' and the broker's process ids, by name. */
    synchronized Map<String, Long> processes() {
        Map<String, Long> pids = pids();
        if (broker != null) {
            pids.put("broker", broker.pid());
        }
        return pids;
    }

    /** The running services' process ids. */
    synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach((name, process) -> pids.put(name, process.pid()));
        return pids;
    }

    synchronized boolean allAlive() {
        return services.size() == ServiceProcess.ALL.size()
                && services.values().stream().allMatch(ServiceProcess::isAlive);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAllServices();
        // Whatever else this JVM started (a training run, ./ops) goes too.
        ProcessHandle.current()
                .descendants()
                .filter(p -> !p.equals(ProcessHandle.current()))
                .forEach(
                        p -> {
                            if (broker == null || p.pid() != broker.pid()) {
                                p.destroy();
                            }
                        });
        if (mail != null) {
            mail.close();
        }
        if (hooks != null) {
            hooks.close();
        }
        if (broker != null) {
            broker.close();
        }
        try (Connection connection =
                        DriverManager.getConnection(POSTGRES + "postgres", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("[bench] could not drop " + databaseName + ": " + e.getMessage());
        }
        deleteQuietly(work.resolve("kafka"));
    }

    private static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            path -> {
                                try {
                                    Files.delete(path);
                                } catch (IOException e) {
                                    // left for the next clean
                                }
                            });
        } catch (IOException e) {
            // left for the next clean
        }
    }

    /**
     * A port free now and not handed out before by this stack: a port is only probed here and bound
     * later by its process, so the system could offer it twice (a service's and the broker's).
     */
    private int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (handedOut.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A free port for a service, whose actuator listens {@link
     * ServiceProcess.Definition#MANAGEMENT_PORT_OFFSET} above it: both free now and neither handed
     * out before.
     */
    private int freeServicePort() {
        while (true) {
            int port = freePort();
            int management = ServiceProcess.Definition.managementPort(port);
            if (management <= 65535 && isFree(management) && handedOut.add(management)) {
                return port;
            }
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
