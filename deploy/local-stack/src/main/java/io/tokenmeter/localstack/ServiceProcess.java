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
import java.util.List;
import java.util.Map;

/** One service of the system as a child {@code java -jar} process with a heap limit. */
final class ServiceProcess implements AutoCloseable {

    record Definition(String name, int port) {}

    static final List<Definition> ALL =
            List.of(
                    new Definition("webhook-ingress-service", 8081),
                    new Definition("subscription-service", 8082),
                    new Definition("usage-metering-service", 8083),
                    new Definition("dashboard-api-service", 8080));

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
        Path jar =
                home.resolve(definition.name())
                        .resolve("target")
                        .resolve(definition.name() + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build with ./mvnw -DskipTests package");
        }
        if (KafkaBroker.listening(definition.port())) {
            throw new IllegalStateException(
                    "port " + definition.port() + " is taken; " + definition.name() + " needs it");
        }
        Path log = logs.resolve(definition.name() + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(
                                ProcessTree.javaExecutable(),
                                "-Xmx256m",
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-jar",
                                jar.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("SERVER_PORT", String.valueOf(definition.port()));
        LocalStack.log("starting " + definition.name() + " on :" + definition.port());
        return new ServiceProcess(definition, builder.start(), log);
    }

    Definition definition() {
        return definition;
    }

    Path log() {
        return log;
    }

    void awaitReady() throws InterruptedException {
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
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                definition.name() + " was not ready within " + STARTUP + "; see " + log);
    }

    @Override
    public void close() {
        ProcessTree.stop(process, Duration.ofSeconds(15));
    }
}
