package io.tokenmeter.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole system on one machine with only a JDK: a single-node KRaft Kafka broker, a
 * PostgreSQL server, the topics of the catalogue, an SMTP server, and the five services with heap
 * limits. Data and logs live under {@code .local/} in the repository and survive restarts. Ctrl-C
 * stops everything, children included.
 *
 * <pre>./run-local.sh [--demo]</pre>
 */
public final class LocalStack {

    private final Path home;
    private final boolean demo;
    private final List<AutoCloseable> started = new ArrayList<>();

    LocalStack(Path home, boolean demo) {
        this.home = home;
        this.demo = demo;
    }

    public static void main(String[] args) throws Exception {
        boolean demo = List.of(args).contains("--demo");
        Path home =
                Path.of(System.getProperty("tokenmeter.home", ".")).toAbsolutePath().normalize();
        new LocalStack(home, demo).run();
    }

    void run() throws Exception {
        Path data = Files.createDirectories(home.resolve(".local"));
        Path logs = Files.createDirectories(data.resolve("logs"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "local-stack-stop"));

        String kafka = startKafka(data, logs);
        Database database = startDatabase(data, logs);
        Topics.createAll(kafka);

        DevSettings settings = DevSettings.fromEnvironment(System.getenv());
        LocalMail mail = LocalMail.start(data.resolve("mail"));
        started.add(mail);
        log("SMTP: 127.0.0.1:" + mail.smtpPort() + ", mails kept in " + mail.folder());
        Map<String, String> environment = settings.serviceEnvironment(kafka, database);
        log(
                "class data sharing: each service's jar extracted with its archive in <module>/target/cds"
                        + " (redone after each build)");
        ServiceProcess.prepareAll(home);
        List<ServiceProcess> services = new ArrayList<>();
        for (ServiceProcess.Definition definition : ServiceProcess.ALL) {
            ServiceProcess service = ServiceProcess.start(home, definition, environment, logs);
            started.add(service);
            services.add(service);
        }
        for (ServiceProcess service : services) {
            service.awaitReady();
        }

        Banner.print(settings, database, data, logs, services, mail);
        if (demo) {
            Demo demoTraffic = Demo.start(kafka, settings);
            started.add(demoTraffic);
        }
        new CountDownLatch(1).await();
    }

    private String startKafka(Path data, Path logs) throws Exception {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            log("Kafka: using KAFKA_BOOTSTRAP_SERVERS=" + external);
            return external;
        }
        KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), logs);
        started.add(broker);
        log("Kafka: single-node KRaft broker at " + broker.bootstrapServers());
        return broker.bootstrapServers();
    }

    private Database startDatabase(Path data, Path logs) throws Exception {
        Database database = Database.choose(System.getenv(), data.resolve("postgres"), logs);
        started.add(database);
        log("PostgreSQL: " + database.description());
        return database;
    }

    private void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("local stack: while stopping: " + e.getMessage());
            }
        }
        started.clear();
    }

    static void log(String message) {
        System.out.println("[local-stack] " + message);
    }
}
