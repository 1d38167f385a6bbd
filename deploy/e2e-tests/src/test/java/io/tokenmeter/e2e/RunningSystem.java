package io.tokenmeter.e2e;

import io.tokenmeter.localstack.LocalMail;
import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The services as the real jars {@code ./mvnw package} built, each a child JVM on a free port,
 * sharing the test JVM's broker and one fresh PostgreSQL database — the system as it runs in
 * production, reachable only through the contract. As in production, each service with a database
 * connects as its own role, owner of its schema alone (the deployments' {@code service-roles.sql});
 * {@link #environment()} holds the admin's connection, for the tests and {@code ./ops}. Logs go to
 * {@code target/e2e-logs/}.
 */
final class RunningSystem implements AutoCloseable {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    static final String WEBHOOK_SECRET = "whsec_e2e_test_secret";
    static final String METERING_TOKEN = "e2e-metering-token";
    static final String PRICE_ESSENTIEL = "price_e2e_essentiel";
    static final String PRICE_PRO = "price_e2e_pro";
    static final String PRICE_MAX = "price_e2e_max";

    /** Each service's PostgreSQL role, named after the schema it owns; the ingress has none. */
    static final Map<String, String> DATABASE_ROLES =
            Map.of(
                    "subscription-service", "subscription",
                    "usage-metering-service", "metering",
                    "dashboard-api-service", "dashboard",
                    "notification-service", "notification");

    static final Path SERVICE_ROLES_SQL = ROOT.resolve("deploy/k8s/database/service-roles.sql");

    private final Map<String, String> environment;
    private final Path logs;
    private TestDatabase database;
    private LocalMail mail;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<ServiceProcess> extra = new ArrayList<>();

    private final List<String> jvmOptions;

    private RunningSystem(Map<String, String> environment, Path logs, List<String> jvmOptions) {
        this.environment = environment;
        this.logs = logs;
        this.jvmOptions = jvmOptions;
    }

    private static RunningSystem shared;

    /**
     * The system every end-to-end test class shares (started on first use, stopped when the JVM
     * exits): starting four JVMs is the slow part, and tests keep apart by using their own users.
     */
    static synchronized RunningSystem shared() throws Exception {
        if (shared == null) {
            shared = start(RunningSystem.class);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "e2e-system-stop"));
        }
        return shared;
    }

    /** {@link #shared()} for helpers that cannot throw checked exceptions. */
    static RunningSystem current() {
        try {
            return shared();
        } catch (Exception e) {
            throw new IllegalStateException("the system did not start", e);
        }
    }

    /**
     * The services' own JVM options with C1 only: these tests check behaviour, and on a busy 2-core
     * machine C1 alone gets five JVMs ready in about half the time (docs/benchmarks.md). The
     * benchmarks start the services with {@link ServiceProcess#JVM_OPTIONS} as they are.
     */
    static final List<String> TEST_JVM =
            java.util.stream.Stream.concat(
                            ServiceProcess.JVM_OPTIONS.stream(),
                            java.util.stream.Stream.of("-XX:TieredStopAtLevel=1"))
                    .toList();

    /** Starts all the services and waits until each is ready. */
    static RunningSystem start(Class<?> owner) throws Exception {
        return start(owner, TEST_JVM);
    }

    /** {@link #start(Class)} with other JVM options than the services' own. */
    static RunningSystem start(Class<?> owner, List<String> jvmOptions) throws Exception {
        return start(owner, jvmOptions, TestInfrastructure.kafkaBootstrapServers(), Map.of());
    }

    /**
     * {@link #start(Class, List)} on the broker at {@code bootstrapServers}, with {@code settings}
     * added to (or replacing) every service's environment.
     */
    static RunningSystem start(
            Class<?> owner,
            List<String> jvmOptions,
            String bootstrapServers,
            Map<String, String> settings)
            throws Exception {
        ServiceJars.requireUpToDate(ROOT);
        TestDatabase database = TestInfrastructure.createDatabase(owner);
        createServiceRoles(database);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        environment.put("DATABASE_URL", database.jdbcUrl());
        environment.put("DATABASE_USER", database.username());
        environment.put("DATABASE_PASSWORD", database.password());
        environment.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        environment.put("STRIPE_SECRET_KEY", "sk_test_e2e");
        environment.put("STRIPE_PRICE_ID_ESSENTIEL", PRICE_ESSENTIEL);
        environment.put("STRIPE_PRICE_ID_PRO", PRICE_PRO);
        environment.put("STRIPE_PRICE_ID_MAX", PRICE_MAX);
        environment.put("FRONTEND_URL", "http://localhost:8080");
        environment.put("AUTH_JWT_SECRET", TestJwts.SECRET);
        environment.put("METERING_API_TOKEN", METERING_TOKEN);
        environment.put("TOKENMETER_ENV", "development");
        Path logs =
                Files.createDirectories(
                        Path.of("target", "e2e-logs", owner.getSimpleName()).toAbsolutePath());
        // notification-service's SMTP server, as the local stack runs it.
        LocalMail mail = LocalMail.start(logs.resolve("mail"), freePort(), 0);
        environment.put("SMTP_HOST", "127.0.0.1");
        environment.put("SMTP_PORT", String.valueOf(mail.smtpPort()));
        environment.putAll(settings);
        RunningSystem system = new RunningSystem(Map.copyOf(environment), logs, jvmOptions);
        system.database = database;
        system.mail = mail;
        try {
            // Each service starts from its extracted jar with its class data sharing archive, as
            // everywhere; after a build the five training runs happen here, once.
            ServiceProcess.prepareAll(ROOT);
            for (ServiceProcess.Definition definition : ServiceProcess.ALL) {
                system.services.put(definition.name(), system.launch(definition.name(), ""));
            }
            ServiceProcess.awaitReady(system.services, System.nanoTime());
        } catch (Exception e) {
            system.close();
            throw e;
        }
        return system;
    }

    /** The port a service listens on. */
    int port(String service) {
        return services.get(service).definition().port();
    }

    ServiceProcess process(String service) {
        return services.get(service);
    }

    /** The database the services share. */
    TestDatabase database() {
        return database;
    }

    /** The environment every service gets: broker, database, secrets. */
    Map<String, String> environment() {
        return environment;
    }

    /** Stops a service gracefully (its consumer group is left with no members). */
    void stop(String service) {
        services.get(service).close();
    }

    /** Kills a service outright ({@code kill -9}): no graceful stop, no final commit. */
    void kill(String service) throws InterruptedException {
        services.get(service).kill();
    }

    /** Where the services' logs are. */
    Path logs() {
        return logs;
    }

    /** Starts a stopped service again, on a new port, and waits until it is ready. */
    void restart(String service) throws Exception {
        ServiceProcess instance = launch(service, "-restarted-" + System.nanoTime());
        services.put(service, instance);
        instance.awaitReady();
    }

    /** Starts one more instance of a service (same consumer group), ready when this returns. */
    ServiceProcess startAnotherInstance(String service) throws Exception {
        ServiceProcess instance = launch(service, "-" + (extra.size() + 2));
        extra.add(instance);
        instance.awaitReady();
        return instance;
    }

    /**
     * {@link #startAnotherInstance(String)} with {@code moreJvmOptions} after the system's own; its
     * log is {@code <service>-<suffix>.log}.
     */
    ServiceProcess startAnotherInstance(String service, String suffix, List<String> moreJvmOptions)
            throws Exception {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(moreJvmOptions);
        ServiceProcess instance = launch(service, "-" + suffix, options);
        extra.add(instance);
        instance.awaitReady();
        return instance;
    }

    private ServiceProcess launch(String service, String suffix) throws IOException {
        return launch(service, suffix, jvmOptions);
    }

    private ServiceProcess launch(String service, String suffix, List<String> options)
            throws IOException {
        ServiceProcess.Definition definition = new ServiceProcess.Definition(service, freePort());
        Map<String, String> serviceEnvironment = new LinkedHashMap<>(environment);
        String role = DATABASE_ROLES.get(service);
        if (role == null) {
            serviceEnvironment.keySet().removeIf(name -> name.startsWith("DATABASE_"));
        } else {
            serviceEnvironment.put("DATABASE_USER", role);
            serviceEnvironment.put("DATABASE_PASSWORD", rolePassword(role));
        }
        return ServiceProcess.launch(
                new ServiceProcess.Definition(service, 0).jar(ROOT),
                definition,
                serviceEnvironment,
                logs.resolve(service + suffix + ".log"),
                options);
    }

    /**
     * Runs the deployments' roles script on {@code database} as its admin, as the k8s Job and the
     * compose file's PostgreSQL do with psql (whose {@code :'variable'} this fills in).
     */
    static void createServiceRoles(TestDatabase database) throws IOException, SQLException {
        String script = Files.readString(SERVICE_ROLES_SQL);
        for (String role : DATABASE_ROLES.values()) {
            script = script.replace(":'" + role + "_password'", "'" + rolePassword(role) + "'");
        }
        try (Connection connection =
                        DriverManager.getConnection(
                                database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement()) {
            statement.execute(script);
        }
    }

    /** A role's password here (the test server trusts local connections; production checks it). */
    static String rolePassword(String role) {
        return "e2e-" + role + "-database-password";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // In parallel: each process gets its graceful stop, and the JVM exits in seconds.
        List<ServiceProcess> all = new ArrayList<>(extra);
        all.addAll(services.values());
        CompletableFuture.allOf(
                        all.stream()
                                .map(process -> CompletableFuture.runAsync(process::close))
                                .toArray(CompletableFuture[]::new))
                .join();
        if (mail != null) {
            mail.close();
        }
    }
}
