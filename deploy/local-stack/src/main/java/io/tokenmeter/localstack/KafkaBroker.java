package io.tokenmeter.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * The {@code kafka_2.13} server from Maven Central as a child process: one KRaft node acting as
 * broker and controller, its log under {@code .local/kafka}. Formatted once; restarts keep data.
 * The end-to-end fault suite uses it too: unlike the embedded test broker, it can be stopped and
 * started again on the same ports with the same log directory.
 */
public final class KafkaBroker implements AutoCloseable {

    static final int PORT = 9092;
    static final int CONTROLLER_PORT = 9093;

    private final Process process;
    private final int port;

    private KafkaBroker(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static KafkaBroker start(Path directory, Path logs) throws IOException, InterruptedException {
        return start(directory, logs, PORT, CONTROLLER_PORT);
    }

    public static KafkaBroker start(Path directory, Path logs, int port, int controllerPort)
            throws IOException, InterruptedException {
        if (listening(port)) {
            throw new IllegalStateException(
                    "port "
                            + port
                            + " is taken: stop the other broker, or set KAFKA_BOOTSTRAP_SERVERS to"
                            + " use it");
        }
        Files.createDirectories(directory);
        Path config = directory.resolve("server.properties");
        Files.writeString(
                config, serverProperties(directory.resolve("data"), port, controllerPort));
        Path logConfig = directory.resolve("logback.xml");
        Files.writeString(logConfig, LOGBACK);
        Path log = logs.resolve("kafka.log");
        if (!Files.exists(directory.resolve("data").resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            run(
                    javaCommand(
                            logConfig,
                            "kafka.tools.StorageTool",
                            "format",
                            "-t",
                            clusterId,
                            "-c",
                            config.toString()),
                    log);
        }
        Process process =
                new ProcessBuilder(javaCommand(logConfig, "kafka.Kafka", config.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        KafkaBroker broker = new KafkaBroker(process, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!listening(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                broker.close();
                throw new IllegalStateException("the Kafka broker did not start; see " + log);
            }
            Thread.sleep(200);
        }
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's process id, to read its memory and CPU. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ProcessTree.stop(process, Duration.ofSeconds(20));
    }

    private static List<String> javaCommand(Path logConfig, String... mainAndArgs) {
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                ProcessTree.javaExecutable(),
                                "-Xmx512m",
                                "-XX:+UseSerialGC",
                                "-Dlogback.configurationFile=" + logConfig,
                                "-cp",
                                ProcessTree.ownClasspath()));
        command.addAll(List.of(mainAndArgs));
        return command;
    }

    private static void run(List<String> command, Path log)
            throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("formatting Kafka storage failed; see " + log);
        }
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String serverProperties(Path data, int port, int controllerPort) {
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:"
                        + port
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=6",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    private static final String LOGBACK =
            """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{ISO8601} %-5level [%logger{20}] %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
              <logger name="kafka.server.KafkaConfig" level="WARN"/>
              <logger name="org.apache.kafka.common.config" level="WARN"/>
            </configuration>
            """;
}
