package io.tokenmeter.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How a service starts fast: from its fat jar extracted by Spring Boot ({@code java -Djarmode=tools
 * -jar x.jar extract}: {@code x.jar} and {@code lib/}, the plain layout class data sharing needs)
 * with an AppCDS archive of the classes its start-up loads, written by a training run ({@code
 * -XX:ArchiveClassesAtExit}, {@code -Dspring.context.exit=onRefresh}, which stops the JVM once the
 * application context is refreshed and before anything listens or consumes). Both live in {@code
 * <module>/target/cds/} and are redone when the fat jar, the JDK or the training command changed;
 * the container image does the same in its Dockerfile.
 *
 * <p>The archive records the absolute path, size and time of every jar on the class path, so the
 * training runs where the service will run from; a JVM given an archive that does not match
 * (another JDK, a jar changed since) says so in one warning and starts without it.
 */
public final class ClassDataSharing {

    /**
     * What the training run adds to the service's JVM options: exit once the context is refreshed;
     * C1 only (compiled code dies with the training JVM and which classes load does not depend on
     * the compiler, so C2's compilations would only add to the run's CPU); without the
     * ahead-of-time context (it was prepared with Flyway on, which would need a database; the
     * classes both contexts load are what the archive is for); reach neither the database nor the
     * broker (a Docker build has neither: no Flyway migration, no topic creation, unreachable
     * addresses so that anything else trying fails at once); and throwaway secrets accepted in
     * development mode, so that the beans built are those of a configured service. System
     * properties, so that they override whatever the environment holds, and never used outside the
     * training run. The Dockerfile's training {@code RUN} uses the same text ({@code
     * DeploymentManifestsTests}).
     */
    public static final String TRAINING_OPTIONS_TEXT =
            "-Dspring.context.exit=onRefresh"
                    + " -Dspring.aot.enabled=false"
                    + " -XX:TieredStopAtLevel=1"
                    + " -Dspring.flyway.enabled=false"
                    + " -Dspring.kafka.admin.auto-create=false"
                    + " -DKAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9"
                    + " -DDATABASE_URL=jdbc:postgresql://127.0.0.1:9/cds-training"
                    + " -DTOKENMETER_ENV=development"
                    + " -DAUTH_JWT_SECRET=cds-training-only-jwt-secret-0123456789abcdef"
                    + " -DMETERING_API_TOKEN=cds-training-only-token"
                    + " -DSTRIPE_SECRET_KEY=sk_test_cds_training_only"
                    + " -DSTRIPE_WEBHOOK_SECRET=whsec_cds_training_only"
                    + " -DNOTIFY_WEBHOOK_URL=http://127.0.0.1:9/cds-training"
                    + " -DNOTIFY_WEBHOOK_SECRET=whsec_Y2RzLXRyYWluaW5nLW9ubHktbm90LWEtc2VjcmV0";

    /** {@link #TRAINING_OPTIONS_TEXT} as command-line arguments. */
    public static final List<String> TRAINING_OPTIONS = List.of(TRAINING_OPTIONS_TEXT.split(" "));

    /** The archive's file name beside the extracted jar. */
    public static final String ARCHIVE = "app.jsa";

    private static final String STAMP = "prepared-from.txt";
    private static final Duration TRAINING_LIMIT = Duration.ofMinutes(5);
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();
    private static final Set<String> KEPT_ENVIRONMENT =
            Set.of("PATH", "HOME", "TMPDIR", "TZ", "LANG", "LC_ALL", "LC_CTYPE");

    /** A service ready to start with sharing: the extracted jar and its archive. */
    public record Prepared(Path jar, Path archive) {

        /** The JVM option that maps the archive. */
        public String archiveOption() {
            return "-XX:SharedArchiveFile=" + archive;
        }
    }

    /** Runs a command to its end, its output appended to {@code log}; its exit code. */
    @FunctionalInterface
    interface Commands {
        int run(List<String> command, Path log, Duration limit) throws IOException;
    }

    private final String java;
    private final List<String> jvmOptions;
    private final Commands commands;

    ClassDataSharing(String java, List<String> jvmOptions, Commands commands) {
        this.java = java;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.commands = commands;
    }

    /**
     * The extracted jar and archive for {@code fatJar} in {@code <its folder>/cds/}, trained with
     * {@link ServiceProcess#JVM_OPTIONS} by this JVM's {@code java}, prepared first unless they are
     * up to date; empty (with the reason on standard error) when that failed, so that the caller
     * starts the fat jar instead.
     */
    public static Optional<Prepared> prepare(Path fatJar) {
        return new ClassDataSharing(
                        ProcessTree.javaExecutable(),
                        ServiceProcess.JVM_OPTIONS,
                        ClassDataSharing::runProcess)
                .prepared(fatJar);
    }

    /** Where {@code fatJar}'s extracted jar and archive live. */
    public static Path directory(Path fatJar) {
        return fatJar.toAbsolutePath().normalize().resolveSibling("cds");
    }

    Optional<Prepared> prepared(Path fatJar) {
        Path jar = fatJar.toAbsolutePath().normalize();
        Path directory = directory(jar);
        String name = jar.getFileName().toString();
        Prepared prepared = new Prepared(directory.resolve(name), directory.resolve(ARCHIVE));
        // One preparation at a time per jar: threads of this JVM, and other processes (the e2e
        // tests and ./run-local.sh, say) through a lock file beside the jar.
        synchronized (LOCKS.computeIfAbsent(jar, key -> new Object())) {
            try (FileChannel channel =
                            FileChannel.open(
                                    jar.resolveSibling("cds.lock"),
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                String stamp = stamp(jar, prepared);
                if (upToDate(directory, prepared, stamp)) {
                    return Optional.of(prepared);
                }
                // A preparation that failed is not retried by this JVM for the same jar: a
                // restarted service would otherwise wait for a training run at every launch.
                if (FAILED.contains(stamp)) {
                    return Optional.empty();
                }
                Optional<Prepared> done = prepare(jar, directory, prepared, stamp);
                if (done.isEmpty()) {
                    FAILED.add(stamp);
                }
                return done;
            } catch (IOException e) {
                System.err.println(
                        "[class data sharing] " + name + ": " + e + "; starting the fat jar");
                return Optional.empty();
            }
        }
    }

    private Optional<Prepared> prepare(Path jar, Path directory, Prepared prepared, String stamp)
            throws IOException {
        String name = jar.getFileName().toString();
        delete(directory);
        Files.createDirectories(directory);
        Path log = directory.resolve("training.log");
        long start = System.nanoTime();
        Path training = directory.resolve(ARCHIVE + ".training");
        boolean done =
                commands.run(extractCommand(jar, directory), log, TRAINING_LIMIT) == 0
                        && Files.isRegularFile(prepared.jar())
                        && commands.run(
                                        trainingCommand(prepared.jar(), training),
                                        log,
                                        TRAINING_LIMIT)
                                == 0
                        && Files.isRegularFile(training)
                        && Files.size(training) > 0;
        if (!done) {
            System.err.println(
                    "[class data sharing] "
                            + name
                            + ": extracting or training failed (see "
                            + log
                            + "); starting the fat jar");
            return Optional.empty();
        }
        Files.move(training, prepared.archive(), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(directory.resolve(STAMP), stamp);
        System.out.printf(
                "[class data sharing] %s: extracted and archived in %.1f s (%s)%n",
                name, (System.nanoTime() - start) / 1e9, directory);
        return Optional.of(prepared);
    }

    /** Spring Boot's extraction into the plain layout: {@code <name>.jar} and {@code lib/}. */
    List<String> extractCommand(Path jar, Path directory) {
        return List.of(
                java,
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--force",
                "--destination",
                directory.toString());
    }

    /** The training run: the service's JVM options, the archive to write, the training options. */
    List<String> trainingCommand(Path extractedJar, Path archive) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-XX:ArchiveClassesAtExit=" + archive);
        command.addAll(TRAINING_OPTIONS);
        command.add("-jar");
        command.add(extractedJar.toString());
        return command;
    }

    /**
     * What the preparation depends on: the fat jar (path, size, time), the JDK, and the training
     * command. Any change means a new archive (an old one would be refused by the JVM anyway).
     */
    private String stamp(Path jar, Prepared prepared) throws IOException {
        return String.join(
                "\n",
                "jar: "
                        + jar
                        + " "
                        + Files.size(jar)
                        + " bytes, modified "
                        + Files.getLastModifiedTime(jar).toMillis(),
                "jdk: "
                        + System.getProperty("java.home")
                        + " "
                        + System.getProperty("java.vm.version"),
                "training: "
                        + String.join(
                                " ",
                                trainingCommand(
                                        prepared.jar(),
                                        prepared.archive().resolveSibling(ARCHIVE + ".training"))),
                "");
    }

    private static boolean upToDate(Path directory, Prepared prepared, String stamp)
            throws IOException {
        Path file = directory.resolve(STAMP);
        return Files.isRegularFile(file)
                && Files.readString(file).equals(stamp)
                && Files.isRegularFile(prepared.jar())
                && Files.isRegularFile(prepared.archive());
    }

    static int runProcess(List<String> command, Path log, Duration limit) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Nothing of this process's environment (production secrets, JAVA_TOOL_OPTIONS) reaches
        // the training run but the locale and paths: what it needs is in its command line.
        builder.environment().keySet().retainAll(KEPT_ENVIRONMENT);
        Process process = builder.start();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                Files.writeString(
                        log,
                        "[class data sharing] stopped after " + limit + "\n",
                        StandardOpenOption.APPEND);
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            ProcessTree.stop(process, Duration.ofSeconds(5));
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            path -> {
                                try {
                                    Files.delete(path);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
