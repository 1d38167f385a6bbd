package io.tokenmeter.e2e;

import io.tokenmeter.localstack.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The end-to-end tests run the services' jars, not their classes: a jar older than its sources
 * would test yesterday's code and pass or fail for the wrong reason. So they refuse to start then,
 * saying how to rebuild.
 */
final class ServiceJars {

    /** Modules whose main code goes into every service's jar. */
    static final List<String> SHARED_MODULES = List.of("schemas", "platform");

    private ServiceJars() {}

    static void requireUpToDate(Path root) {
        List<String> problems = new ArrayList<>();
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            Path jar = service.jar(root);
            if (!Files.isRegularFile(jar)) {
                problems.add(service.name() + ": no " + root.relativize(jar));
                continue;
            }
            FileTime built = modified(jar);
            List<String> modules = new ArrayList<>(SHARED_MODULES);
            modules.add(service.name());
            for (String module : modules) {
                newestSource(root.resolve(module).resolve("src").resolve("main"))
                        .filter(source -> modified(source).compareTo(built) > 0)
                        .ifPresent(
                                source ->
                                        problems.add(
                                                service.name()
                                                        + ": "
                                                        + root.relativize(source)
                                                        + " is newer than its jar"));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "the services' jars are missing or older than their sources ("
                            + String.join("; ", problems)
                            + "): rebuild them with ./mvnw -B -pl deploy/e2e-tests -am verify"
                            + " (or ./mvnw -B package -DskipTests) before running these tests");
        }
    }

    private static Optional<Path> newestSource(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .max((a, b) -> modified(a).compareTo(modified(b)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
