package io.tokenmeter.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a service's extracted jar and archive are (re)done, and with which commands. The commands
 * are recorded and their files faked here; the end-to-end tests start the real jars with real
 * archives ({@code ClassDataSharingIntegrationTests}).
 */
class ClassDataSharingTests {

    @TempDir Path target;

    private Path fatJar;
    private final List<List<String>> run = new ArrayList<>();
    private boolean trainingWritesAnArchive = true;

    /** Does what extraction and training would do to the file system, and records the command. */
    private int fake(List<String> command, Path log, Duration limit) throws IOException {
        run.add(command);
        if (command.contains("-Djarmode=tools")) {
            Path destination = Path.of(command.get(command.indexOf("--destination") + 1));
            Files.createDirectories(destination.resolve("lib"));
            Files.writeString(destination.resolve("service.jar"), "extracted");
        } else if (trainingWritesAnArchive) {
            String option =
                    command.stream()
                            .filter(o -> o.startsWith("-XX:ArchiveClassesAtExit="))
                            .findFirst()
                            .orElseThrow();
            Files.writeString(
                    Path.of(option.substring(option.indexOf('=') + 1)), "archived classes");
        }
        return 0;
    }

    private ClassDataSharing sharing(List<String> jvmOptions) {
        return new ClassDataSharing("/jdk/bin/java", jvmOptions, this::fake);
    }

    @BeforeEach
    void fatJar() throws IOException {
        fatJar = Files.writeString(target.resolve("service.jar"), "a fat jar");
    }

    @Test
    void extractsBesideTheFatJarThenTrainsWithTheServicesOptionsAndTheTrainingOnes() {
        Optional<ClassDataSharing.Prepared> prepared =
                sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar);

        Path cds = target.resolve("cds");
        assertThat(prepared)
                .contains(
                        new ClassDataSharing.Prepared(
                                cds.resolve("service.jar"), cds.resolve("app.jsa")));
        assertThat(prepared.get().archiveOption())
                .isEqualTo("-XX:SharedArchiveFile=" + cds.resolve("app.jsa"));
        assertThat(run).hasSize(2);
        assertThat(run.get(0))
                .containsExactly(
                        "/jdk/bin/java",
                        "-Djarmode=tools",
                        "-jar",
                        fatJar.toString(),
                        "extract",
                        "--force",
                        "--destination",
                        cds.toString());
        List<String> training = new ArrayList<>(List.of("/jdk/bin/java"));
        training.addAll(ServiceProcess.JVM_OPTIONS);
        training.add("-XX:ArchiveClassesAtExit=" + cds.resolve("app.jsa.training"));
        training.addAll(ClassDataSharing.TRAINING_OPTIONS);
        training.addAll(List.of("-jar", cds.resolve("service.jar").toString()));
        assertThat(run.get(1)).isEqualTo(training);
        assertThat(ClassDataSharing.TRAINING_OPTIONS)
                .contains(
                        "-Dspring.context.exit=onRefresh",
                        "-Dspring.flyway.enabled=false",
                        "-Dspring.kafka.admin.auto-create=false",
                        "-DTOKENMETER_ENV=development");
    }

    @Test
    void reusesTheArchiveWhileTheFatJarIsUnchanged() {
        sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar);
        run.clear();

        assertThat(sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar)).isPresent();
        assertThat(run).isEmpty();
    }

    @Test
    void preparesAgainOnceTheFatJarIsRebuilt() throws IOException {
        sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar);
        run.clear();
        Files.setLastModifiedTime(
                fatJar, FileTime.fromMillis(Files.getLastModifiedTime(fatJar).toMillis() + 60_000));

        assertThat(sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar)).isPresent();
        assertThat(run).hasSize(2);
    }

    @Test
    void preparesAgainWhenTheServicesJvmOptionsChanged() {
        sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar);
        run.clear();

        assertThat(sharing(List.of("-Xmx512m")).prepared(fatJar)).isPresent();
        assertThat(run).hasSize(2);
        assertThat(run.get(1)).contains("-Xmx512m");
    }

    @Test
    void preparesAgainWhenTheArchiveIsGone() throws IOException {
        sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar);
        run.clear();
        Files.delete(target.resolve("cds/app.jsa"));

        assertThat(sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar)).isPresent();
        assertThat(run).hasSize(2);
    }

    /**
     * The caller then starts the fat jar: a service never fails for want of its archive, nor waits
     * for a second training of the same jar; a rebuilt jar is tried again.
     */
    @Test
    void givesNothingWhenTheTrainingWritesNoArchiveAndTriesAgainOnlyForAnotherJar()
            throws IOException {
        trainingWritesAnArchive = false;
        assertThat(sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar)).isEmpty();

        trainingWritesAnArchive = true;
        run.clear();
        assertThat(sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar)).isEmpty();
        assertThat(run).isEmpty();

        Files.writeString(fatJar, "a rebuilt fat jar");
        assertThat(sharing(ServiceProcess.JVM_OPTIONS).prepared(fatJar)).isPresent();
        assertThat(run).hasSize(2);
    }

    /** Production secrets in the launcher's environment never reach a training run. */
    @Test
    void runsTheTrainingWithoutTheCallersEnvironment() throws Exception {
        Path log = target.resolve("env.log");

        assertThat(
                        ClassDataSharing.runProcess(
                                List.of("/usr/bin/env"), log, Duration.ofSeconds(30)))
                .isZero();

        assertThat(Files.readAllLines(log))
                .allSatisfy(
                        line ->
                                assertThat(line.substring(0, line.indexOf('=')))
                                        .isIn(
                                                "PATH",
                                                "HOME",
                                                "TMPDIR",
                                                "TZ",
                                                "LANG",
                                                "LC_ALL",
                                                "LC_CTYPE"));
    }
}
