package io.tokenmeter.systembench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory, from {@code /proc/<pid>/status} (Linux). */
record Memory(long rssKb, long peakKb) {

    static Memory of(long pid) {
        try {
            long rss = 0;
            long peak = 0;
            for (String line :
                    Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line);
                }
            }
            return new Memory(rss, peak);
        } catch (IOException e) {
            return new Memory(0, 0);
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    double rssMb() {
        return rssKb / 1024.0;
    }
}
