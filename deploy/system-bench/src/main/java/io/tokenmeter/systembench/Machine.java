package io.tokenmeter.systembench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the figures were measured on: CPU model and count, memory, load. */
final class Machine {

    private Machine() {}

    static String description() {
        String model = "unknown CPU";
        long cpus = Runtime.getRuntime().availableProcessors();
        long memoryKb = 0;
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            model =
                    cpuinfo.stream()
                            .filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .findFirst()
                            .orElse(model);
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memoryKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return String.format(
                Locale.ROOT,
                "%s, %d CPUs, %.0f GB RAM, Java %s",
                model,
                cpus,
                memoryKb / 1024.0 / 1024.0,
                Runtime.version());
    }

    /** Whether a {@link #loadAverage()} reading's 1-minute figure exceeds the CPU count. */
    static boolean busy(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(" ")[0])
                    > Runtime.getRuntime().availableProcessors();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
