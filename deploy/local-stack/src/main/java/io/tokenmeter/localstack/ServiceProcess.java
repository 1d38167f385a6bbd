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
import java.util.List;
import java.util.Map;

/**
 * One service of the system as a child {@code java -jar} process with a heap limit. Also used by
 * the end-to-end tests, which start the real jars the same way.
 */
public final class ServiceProcess implements AutoCloseable {

    /** A service: its module (and jar) name and its contract port. */
    public record Definition(String name, int port) {

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
     * Starts {@code jar} listening on {@code definition.port()} with {@code environment} added to
     * this process's environment, appending its output to {@code log}.
     */
    public static ServiceProcess launch(
            Path jar, Definition definition, Map<String, String> environment, Path log)
            throws IOException {
        return launch(jar, definition, environment, log, DEVELOPMENT_JVM);
    }

    /**
     * JVM options for a laptop: small heaps and C1 only, so that four services start fast and stay
     * small. Code runs slower than in production; measure with {@link #PRODUCTION_JVM}.
     */
    public static final List<String> DEVELOPMENT_JVM =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /**
     * What a service's JVM runs with in production: the options of the Kubernetes manifests and the
     * container image (deploy/k8s), in a pod limited to 512 MiB. Here {@code -XX:MaxRAM} stands in
     * for the limit (a 384 MiB heap), and {@code -XX:+UseSerialGC} for what the JVM's ergonomics
     * pick in such a pod (below 1,792 MB it is not a "server-class machine"), which this machine's
     * 24 GB would otherwise turn into G1 with a heap sized from 24 GB.
     */
    public static final List<String> PRODUCTION_JVM =
            List.of(
                    "-XX:MaxRAM=512m",
                    "-XX:+UseSerialGC",
                    "-XX:MaxRAMPercentage=75",
                    "-XX:InitialRAMPercentage=75",
                    "-XX:+ExitOnOutOfMemoryError");

    /** {@link #launch(Path, Definition, Map, Path)} with the given JVM options. */
    public static ServiceProcess launch(
            Path jar,
            Definition definition,
            Map<String, String> environment,
            Path log,
            List<String> jvmOptions)
            throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build with ./mvnw -DskipTests package");
        }
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

    public Definition definition() {
        return definition;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
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
