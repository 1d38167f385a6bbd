package io.tokenmeter.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One service of the system as a child {@code java -jar} process with a heap limit, started from
 * its jar extracted with a class data sharing archive ({@link ClassDataSharing}). Also used by the
 * end-to-end tests and the system benchmark, which start the real jars the same way.
 */
public final class ServiceProcess implements AutoCloseable {

    /** A service: its module (and jar) name and its contract port. */
    public record Definition(String name, int port) {

        /**
         * How far above its port a service's actuator listens unless {@code MANAGEMENT_SERVER_PORT}
         * says otherwise (platform's {@code ManagementPortEnvironmentPostProcessor}).
         */
        public static final int MANAGEMENT_PORT_OFFSET = 1000;

        /** The actuator's port of a service listening on {@code port}. */
        public static int managementPort(int port) {
            return port + MANAGEMENT_PORT_OFFSET;
        }

        /** The fat jar {@code ./mvnw package} builds for it under the repository root. */
        public Path jar(Path home) {
            return home.resolve(name).resolve("target").resolve(name + ".jar");
        }
    }

    public static final List<Definition> ALL =
            List.of(
                    new Definition("webhook-ingress-service", 8081),
                    new Definition("subscription-service", 8082),
                    new Definition("usage-metering-service", 8083),
                    new Definition("dashboard-api-service", 8080),
                    new Definition("notification-service", 8084));

    private static final Duration STARTUP = Duration.ofSeconds(180);

    private final Definition definition;
    private final Process process;
    private final Path log;

    private ServiceProcess(Definition definition, Process process, Path log) {
        this.definition = definition;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(
            Path home, Definition definition, Map<String, String> environment, Path logs)
            throws IOException {
        return launch(
                definition.jar(home),
                definition,
                environment,
                logs.resolve(definition.name() + ".log"));
    }

    /**
     * Starts the service built as {@code fatJar} listening on {@code definition.port()} with {@code
     * environment} added to this process's environment, appending its output to {@code log}.
     */
    public static ServiceProcess launch(
            Path fatJar, Definition definition, Map<String, String> environment, Path log)
            throws IOException {
        return launch(fatJar, definition, environment, log, JVM_OPTIONS);
    }

    /**
     * The JVM options of every service wherever it runs, defined once: this launcher, the
     * end-to-end tests and the system benchmark start the jars with them, and the container image
     * ({@code deploy/compose/Dockerfile}) and the Kubernetes manifests set them as {@code
     * JAVA_TOOL_OPTIONS} ({@code DeploymentManifestsTests} fails when those drift from this). A
     * fixed heap rather than a share of the machine's memory: the same JVM in a 768 MiB pod and on
     * a 24 GB laptop, and the serial collector, which is what the JVM picks in such a pod anyway
     * and which costs one core no extra threads. The context as Spring's ahead-of-time processing
     * prepared it when the jar was built (a start takes less CPU); so a Spring property that turns
     * a bean on or off counts as the build saw it, and only values are read at run time (README).
     */
    public static final String JVM_OPTIONS_TEXT =
            "-Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Dspring.aot.enabled=true";

    /**
     * What a service's JVM needs beside its heap, measured with native memory tracking at the end
     * of {@code ./bench}'s load (class metadata, code, threads, buffers: 120–260 MB) plus the C
     * allocator's own overhead; a pod's memory limit must hold both, or it is killed under load.
     */
    public static final long NON_HEAP_MIB = 320;

    /** {@link #JVM_OPTIONS_TEXT} as command-line arguments. */
    public static final List<String> JVM_OPTIONS = List.of(JVM_OPTIONS_TEXT.split(" "));

    /**
     * {@link #launch(Path, Definition, Map, Path)} with the given JVM options: the way every
     * service runs, from the jar extracted beside {@code fatJar} with its class data sharing
     * archive ({@link ClassDataSharing#prepare}, which redoes them after a build), or from {@code
     * fatJar} itself should preparing them fail: a service never waits on its archive.
     */
    public static ServiceProcess launch(
            Path fatJar,
            Definition definition,
            Map<String, String> environment,
            Path log,
            List<String> jvmOptions)
            throws IOException {
        requireJar(fatJar);
        Optional<ClassDataSharing.Prepared> sharing = ClassDataSharing.prepare(fatJar);
        if (sharing.isEmpty()) {
            return launchJar(fatJar, definition, environment, log, jvmOptions);
        }
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(sharing.get().archiveOption());
        return launchJar(sharing.get().jar(), definition, environment, log, options);
    }

    /**
     * Prepares every service's extracted jar and archive at once, before they are launched: after a
     * build, the training runs share the cores rather than queue behind each other's launch.
     */
    public static void prepareAll(Path home) {
        // A thread each: the common pool may have a single worker on a 2-core machine.
        ExecutorService threads = Executors.newFixedThreadPool(ALL.size());
        try {
            CompletableFuture.allOf(
                            ALL.stream()
                                    .map(
                                            service ->
                                                    CompletableFuture.runAsync(
                                                            () ->
                                                                    ClassDataSharing.prepare(
                                                                            service.jar(home)),
                                                            threads))
                                    .toArray(CompletableFuture[]::new))
                    .join();
        } finally {
            threads.shutdown();
        }
    }

    /**
     * Starts exactly {@code java <jvmOptions> -jar <jar>}: no extraction, no archive unless the
     * options name one (the system benchmark's comparison rows).
     */
    public static ServiceProcess launchJar(
            Path jar,
            Definition definition,
            Map<String, String> environment,
            Path log,
            List<String> jvmOptions)
            throws IOException {
        requireJar(jar);
        if (KafkaBroker.listening(definition.port())) {
            throw new IllegalStateException(
                    "port " + definition.port() + " is taken; " + definition.name() + " needs it");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessTree.javaExecutable());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("SERVER_PORT", String.valueOf(definition.port()));
        LocalStack.log("starting " + definition.name() + " on :" + definition.port());
        return new ServiceProcess(definition, builder.start(), log);
    }

    private static void requireJar(Path jar) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build with ./mvnw -DskipTests package");
        }
    }

    public Definition definition() {
        return definition;
    }

    public Path log() {
        return log;
    }

    /** The service's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for every process at once, so that they start in parallel; each one's time from {@code
     * startNanos} to ready, in the map's order.
     */
    public static <K> Map<K, Duration> awaitReady(
            Map<K, ServiceProcess> processes, long startNanos) {
        Map<K, CompletableFuture<Duration>> ready = new LinkedHashMap<>();
        processes.forEach(
                (key, process) ->
                        ready.put(
                                key,
                                CompletableFuture.supplyAsync(
                                        () -> {
                                            try {
                                                process.awaitReady();
                                            } catch (InterruptedException e) {
                                                Thread.currentThread().interrupt();
                                                throw new IllegalStateException(e);
                                            }
                                            return Duration.ofNanos(System.nanoTime() - startNanos);
                                        })));
        Map<K, Duration> times = new LinkedHashMap<>();
        ready.forEach((key, time) -> times.put(key, time.join()));
        return times;
    }

    /** Waits until {@code /actuator/health/readiness} answers 200. */
    public void awaitReady() throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        URI readiness =
                URI.create("http://127.0.0.1:" + definition.port() + "/actuator/health/readiness");
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        definition.name() + " exited during startup; see " + log);
            }
            try {
                HttpResponse<Void> response =
                        client.send(
                                HttpRequest.newBuilder(readiness)
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    LocalStack.log(definition.name() + " is ready");
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                definition.name() + " was not ready within " + STARTUP + "; see " + log);
    }

    /** Stops the process gracefully (SIGTERM), forcing it after 15 s. */
    @Override
    public void close() {
        ProcessTree.stop(process, Duration.ofSeconds(15));
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
