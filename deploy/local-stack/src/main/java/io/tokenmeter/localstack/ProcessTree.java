package io.tokenmeter.localstack;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Child processes of the local stack: how to start a JVM like this one, and how to stop a tree. */
final class ProcessTree {

    private ProcessTree() {}

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This launcher's own classpath (its jar and {@code lib/*}), for the broker's JVM. */
    static String ownClasspath() {
        String classpath = ManagementFactory.getRuntimeMXBean().getClassPath();
        if (classpath.endsWith(".jar") && !classpath.contains(File.pathSeparator)) {
            // Started with -jar: the manifest's Class-Path names lib/ beside the jar.
            Path jar = Path.of(classpath).toAbsolutePath();
            return jar + File.pathSeparator + jar.resolveSibling("lib") + File.separator + "*";
        }
        return classpath;
    }

    /** Asks the process and its descendants to stop, then forces whatever is left. */
    static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
