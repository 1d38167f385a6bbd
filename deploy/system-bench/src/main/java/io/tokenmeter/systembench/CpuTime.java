package io.tokenmeter.systembench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of each part of the system, read from {@code /proc} (Linux): how many of the machine's
 * cores each process used during a phase. Everything runs on one machine, so this is what says
 * which part a phase's figure is waiting for, and whether the machine itself is the limit.
 *
 * @param nanos when the sample was taken ({@link System#nanoTime()})
 * @param ticks CPU time (user + system, clock ticks) per part of the system, per process id (a
 *     restarted service or a new database connection is a new process, counted from zero)
 * @param machineBusy the machine's busy ticks over all CPUs ({@code /proc/stat}), others included
 * @param machineTotal the machine's ticks over all CPUs, idle included
 */
record CpuTime(
        long nanos, Map<String, Map<Long, Long>> ticks, long machineBusy, long machineTotal) {

    /** Linux's USER_HZ, the unit of {@code /proc}'s CPU times, 100 on every mainstream kernel. */
    static final double TICKS_PER_SECOND = 100;

    /**
     * Samples the named processes (with what the stopped ones had used when they stopped), every
     * PostgreSQL server process (backends come and go with the pools; they are all the database's
     * work) and this JVM, the load generator.
     */
    static CpuTime sample(Map<String, Long> processes, Map<String, Map<Long, Long>> stopped) {
        Map<String, Map<Long, Long>> live = new LinkedHashMap<>();
        processes.forEach((name, pid) -> live.put(name, Map.of(pid, ticksOf(pid))));
        Map<String, Map<Long, Long>> ticks = withStopped(live, stopped);
        ticks.put("PostgreSQL", postgresTicks());
        long self = ProcessHandle.current().pid();
        ticks.put("bench", Map.of(self, ticksOf(self)));
        long[] machine = machineTicks();
        return new CpuTime(System.nanoTime(), ticks, machine[0], machine[1]);
    }

    /** The live processes' ticks with the stopped ones' beside them, per part of the system. */
    static Map<String, Map<Long, Long>> withStopped(
            Map<String, Map<Long, Long>> live, Map<String, Map<Long, Long>> stopped) {
        Map<String, Map<Long, Long>> ticks = new LinkedHashMap<>();
        stopped.forEach((name, each) -> ticks.put(name, new LinkedHashMap<>(each)));
        live.forEach(
                (name, each) ->
                        ticks.computeIfAbsent(name, n -> new LinkedHashMap<>()).putAll(each));
        return ticks;
    }

    /**
     * Cores used by each part between {@code before} and this sample, largest first, and by the
     * whole machine ("machine" counts every process, other work included).
     */
    String coresSince(CpuTime before) {
        double seconds = (nanos - before.nanos) / 1e9;
        StringBuilder out = new StringBuilder();
        ticks.entrySet().stream()
                .map(
                        e ->
                                Map.entry(
                                        e.getKey(),
                                        usedSince(before, e.getKey()) / TICKS_PER_SECOND / seconds))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(
                        e ->
                                out.append(out.isEmpty() ? "" : ", ")
                                        .append(Phases.shortName(e.getKey()))
                                        .append(' ')
                                        .append(String.format(Locale.ROOT, "%.2f", e.getValue())));
        return out.append(String.format(Locale.ROOT, "; machine %.2f", machineCoresSince(before)))
                .toString();
    }

    /** Cores the whole machine was busy on between {@code before} and this sample. */
    double machineCoresSince(CpuTime before) {
        long total = machineTotal - before.machineTotal;
        return total <= 0
                ? Double.NaN
                : (double) (machineBusy - before.machineBusy)
                        / total
                        * Runtime.getRuntime().availableProcessors();
    }

    /** Total cores used by the sampled parts between {@code before} and this sample. */
    double coresOfSystemSince(CpuTime before) {
        double seconds = (nanos - before.nanos) / 1e9;
        long used = 0;
        for (String part : ticks.keySet()) {
            used += usedSince(before, part);
        }
        return used / TICKS_PER_SECOND / seconds;
    }

    /**
     * Ticks a part used since {@code before}: each of its processes now, less what the same process
     * had then (a process that ended meanwhile is not counted; one that started is, in full).
     */
    private long usedSince(CpuTime before, String part) {
        Map<Long, Long> then = before.ticks.getOrDefault(part, Map.of());
        long used = 0;
        for (var process : ticks.get(part).entrySet()) {
            used += process.getValue() - then.getOrDefault(process.getKey(), 0L);
        }
        return used;
    }

    /** utime + stime of a process, all its threads; 0 once it is gone. */
    static long ticksOf(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime from a {@code /proc/<pid>/stat} line (fields 14 and 15). */
    static long ticks(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count after it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * utime + stime of a JVM's JIT compiler threads still alive ({@code C1/C2 CompilerThre…}): how
     * much of a start-up goes to compiling rather than running.
     */
    static long compilerTicksOf(long pid) {
        long ticks = 0;
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                if (comm(thread).contains("CompilerThre")) {
                    ticks += ticks(Files.readString(thread.resolve("stat")));
                }
            }
        } catch (IOException | RuntimeException e) {
            return ticks;
        }
        return ticks;
    }

    private static Map<Long, Long> postgresTicks() {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path process : processes) {
                String name = process.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && "postgres".equals(comm(process))) {
                    ticks.put(Long.parseLong(name), ticksOf(Long.parseLong(name)));
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    private static String comm(Path process) {
        try {
            return Files.readString(process.resolve("comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** {busy, total} ticks of all CPUs from {@code /proc/stat}'s first line. */
    private static long[] machineTicks() {
        try {
            return machineTicks(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** {busy, total} from a {@code cpu …} line: idle and iowait are not busy. */
    static long[] machineTicks(String cpuLine) {
        List<String> fields = List.of(cpuLine.trim().split("\\s+"));
        long total = 0;
        long idle = 0;
        for (int i = 1; i < fields.size() && i <= 8; i++) {
            long value = Long.parseLong(fields.get(i));
            total += value;
            if (i == 4 || i == 5) {
                idle += value;
            }
        }
        return new long[] {total - idle, total};
    }
}
