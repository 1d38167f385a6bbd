package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.localstack.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The services start from their extracted jars with the class data sharing archives their training
 * runs wrote (no database, no broker), and those archives hold most of what a real start loads.
 */
class ClassDataSharingIntegrationTests {

    /**
     * One more webhook ingress (the smallest service), started as the system's own with {@code
     * -Xshare:on}, which makes the JVM refuse to start rather than run without its archive, and the
     * class loading logged until it is ready.
     */
    @Test
    void aServiceReachesReadinessWithMostOfItsClassesFromItsArchive() throws Exception {
        RunningSystem system = RunningSystem.shared();
        Path classes = system.logs().resolve("webhook-ingress-service-classes.log");
        Files.deleteIfExists(classes);

        ServiceProcess instance =
                system.startAnotherInstance(
                        "webhook-ingress-service",
                        "class-data-sharing",
                        List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classes));
        List<String> loaded =
                Files.readAllLines(classes).stream().filter(l -> l.contains(" source: ")).toList();
        instance.close();

        // "source: shared objects file (top)" is the service's archive, "shared objects file"
        // alone the JDK's; anything else was read from a jar or generated at run time.
        Map<String, Long> bySource =
                loaded.stream()
                        .collect(
                                Collectors.groupingBy(
                                        line -> {
                                            String source =
                                                    line.substring(line.indexOf(" source: ") + 9);
                                            return source.startsWith("shared objects file (top)")
                                                    ? "service archive"
                                                    : source.startsWith("shared objects file")
                                                            ? "JDK archive"
                                                            : "elsewhere";
                                        },
                                        Collectors.counting()));
        long fromServiceArchive = bySource.getOrDefault("service archive", 0L);
        long shared = fromServiceArchive + bySource.getOrDefault("JDK archive", 0L);
        System.out.printf(
                "webhook-ingress-service until ready: %d classes, %s; %.0f %% from archives%n",
                loaded.size(), bySource, 100.0 * shared / loaded.size());
        assertThat(fromServiceArchive).isGreaterThan(bySource.getOrDefault("elsewhere", 0L));
        assertThat((double) shared / loaded.size()).isGreaterThan(0.75);
    }

    /**
     * Every service of the system runs from its extracted jar with its archive, and none warned
     * that the archive did not match (a JVM then starts without it, and says so once).
     */
    @Test
    void everyServiceOfTheRunningSystemStartsFromItsExtractedJarWithItsArchive() throws Exception {
        RunningSystem system = RunningSystem.shared();

        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            ServiceProcess process = system.process(service.name());
            Path cds = service.jar(RunningSystem.ROOT).resolveSibling("cds");
            assertThat(ProcessHandle.of(process.pid()).orElseThrow().info().arguments())
                    .as(service.name())
                    .hasValueSatisfying(
                            arguments ->
                                    assertThat(List.of(arguments))
                                            .contains(
                                                    "-XX:SharedArchiveFile="
                                                            + cds.resolve("app.jsa"),
                                                    "-jar",
                                                    cds.resolve(service.name() + ".jar")
                                                            .toString()));
            assertThat(Files.readString(process.log()))
                    .as(service.name())
                    .doesNotContain("Unable to use shared archive");
        }
    }
}
