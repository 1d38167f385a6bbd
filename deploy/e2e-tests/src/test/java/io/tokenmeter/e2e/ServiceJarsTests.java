package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmeter.localstack.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceJarsTests {

    @TempDir Path root;

    @Test
    void acceptsJarsNewerThanEverySource() throws Exception {
        layOut(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"));

        assertThatCode(() -> ServiceJars.requireUpToDate(root)).doesNotThrowAnyException();
    }

    @Test
    void refusesAJarOlderThanASourceOfItsServiceOrOfASharedModule() throws Exception {
        layOut(Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));

        assertThatThrownBy(() -> ServiceJars.requireUpToDate(root))
                .hasMessageContaining("usage-metering-service/src/main/java/A.java is newer")
                .hasMessageContaining("schemas/src/main/java/A.java is newer")
                .hasMessageContaining("./mvnw -B -pl deploy/e2e-tests -am verify");
    }

    @Test
    void refusesAMissingJar() throws Exception {
        layOut(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"));
        Files.delete(ServiceProcess.ALL.get(0).jar(root));

        assertThatThrownBy(() -> ServiceJars.requireUpToDate(root)).hasMessageContaining("no ");
    }

    private void layOut(Instant sources, Instant jars) throws Exception {
        for (String module : ServiceJars.SHARED_MODULES) {
            source(module, sources);
        }
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            source(service.name(), sources);
            Path jar = service.jar(root);
            Files.createDirectories(jar.getParent());
            Files.writeString(jar, "jar");
            Files.setLastModifiedTime(jar, FileTime.from(jars));
        }
    }

    private void source(String module, Instant modified) throws Exception {
        Path file = root.resolve(module).resolve("src/main/java/A.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "class A {}");
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}
