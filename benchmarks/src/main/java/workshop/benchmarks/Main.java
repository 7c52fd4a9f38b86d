package workshop.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import workshop.benchmarks.counters.CounterGroups;
import workshop.benchmarks.db.TransferGroup;
import workshop.benchmarks.memory.BlockedTaskMemory;
import workshop.benchmarks.readwrite.ReadWriteGroup;
import workshop.benchmarks.redis.AlternatingRedis;
import workshop.benchmarks.redis.RedisGroup;
import workshop.benchmarks.tasks.TaskGroup;
import workshop.benchmarks.waiting.WaitingCpu;

/**
 * Runs the benchmark groups and writes their results (Markdown tables, SVG charts) into a folder.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--mode smoke|quick|full] [--groups 1,2,...] [--out DIR]
 * </pre>
 *
 * Groups: 1 lock contention, 2 granularity, 3 read-heavy, 4 short tasks, 5 memory per blocked task,
 * 6 busy waiting, 7 database transfers, 8 Redis locks, 9 the comparison table (from 7 and 8).
 */
public final class Main {

    private static final List<String> ALL = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        RunMode mode = RunMode.QUICK;
        Set<String> groups = new LinkedHashSet<>(ALL);
        Path out = null;
        String child = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = RunMode.named(args[++i]);
                case "--groups" -> groups = new LinkedHashSet<>(List.of(args[++i].split(",")));
                case "--out" -> out = Path.of(args[++i]);
                case "--child" -> child = args[++i];
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> rest.add(args[i]);
            }
        }
        if (out == null) {
            Path base = Files.isDirectory(Path.of("benchmarks", "src")) ? Path.of("benchmarks", "results") : Path.of("results");
            out = base.resolve(mode.name());
        }
        if (child != null) {
            runChild(child, mode, out, rest);
            System.exit(0); // Redisson and pools may leave non-daemon threads behind: the child's work is done
        }
        if (!rest.isEmpty()) {
            usage();
            throw new IllegalArgumentException("unknown arguments: " + rest);
        }
        groups.removeIf(g -> !ALL.contains(g.strip()));
        runAll(mode, groups, out);
    }

    private static void usage() {
        System.out.println("""
                java -jar benchmarks/target/benchmarks.jar [--mode smoke|quick|full] [--groups 1,2,...] [--out DIR]
                  smoke: seconds per group, proves that every group runs (CI); quick: < 3 min; full: ~12 min
                  groups: 1 contention, 2 granularity, 3 read-heavy, 4 short tasks, 5 memory per blocked task,
                          6 busy waiting, 7 database transfers, 8 Redis locks, 9 comparison table (needs 7, 8)
                  PostgreSQL for group 7: WORKSHOP_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/test?user=postgres""");
    }

    private static void runChild(String child, RunMode mode, Path out, List<String> args) throws Exception {
        switch (child) {
            case "memory" -> BlockedTaskMemory.measure(mode, out, args.getFirst());
            case "waiting" -> WaitingCpu.run(mode, out);
            case "db" -> TransferGroup.run(mode, out);
            case "redis-alternating" -> AlternatingRedis.run(mode, out, args.get(0), Integer.parseInt(args.get(1)));
            default -> throw new IllegalArgumentException("unknown child group " + child);
        }
    }

    private static void runAll(RunMode mode, Set<String> groups, Path out) throws IOException {
        Files.createDirectories(out);
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverage();
        System.out.println("Benchmarks, " + mode.describe());
        System.out.println("Results: " + out.toAbsolutePath());
        List<String> failures = new ArrayList<>();
        if (groups.contains("1") || groups.contains("2")) {
            attempt("1+2", failures, () -> CounterGroups.run(mode, out, groups.contains("1"), groups.contains("2"))
                    .forEach(s -> s.write(out)));
        }
        if (groups.contains("3")) {
            attempt("3", failures, () -> ReadWriteGroup.run(mode, out).write(out));
        }
        if (groups.contains("4")) {
            attempt("4", failures, () -> TaskGroup.run(mode, out).write(out));
        }
        if (groups.contains("5")) {
            attempt("5", failures, () -> BlockedTaskMemory.run(mode, out).write(out));
        }
        if (groups.contains("6")) {
            attempt("6", failures, () -> {
                Child.run("waiting", mode, out, -1, List.of()); // writes its own results
            });
        }
        if (groups.contains("7")) {
            attempt("7", failures, () -> {
                Child.run("db", mode, out, -1, List.of()); // writes its own results
            });
        }
        if (groups.contains("8")) {
            attempt("8", failures, () -> RedisGroup.run(mode, out).write(out));
        }
        if (groups.contains("9")) {
            attempt("9", failures, () -> Summary.run(mode, out).write(out));
        }
        Duration took = Duration.between(started, Instant.now());
        String loadAfter = Machine.loadAverage();

        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results (").append(mode.name()).append(" mode)\n\n");
        md.append("- Run: ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(started.atOffset(ZoneOffset.UTC).withNano(0)))
                .append(" UTC, took ").append(took.toMinutesPart() + took.toHoursPart() * 60).append(" min ")
                .append(took.toSecondsPart()).append(" s\n");
        md.append("- Machine: ").append(Machine.describe()).append('\n');
        md.append("- Load average (1/5/15 min) before: ").append(loadBefore).append("; after: ").append(loadAfter).append('\n');
        md.append("- ").append(mode.describe()).append('\n');
        md.append("- Groups: ").append(String.join(", ", groups)).append('\n');
        if (!failures.isEmpty()) {
            md.append("- **Failed groups:** ").append(String.join("; ", failures)).append('\n');
        }
        md.append('\n');
        for (String id : List.of("1-contention", "2-granularity", "3-read-heavy", "4-tasks", "5-memory", "6-waiting",
                "7-transfers", "8-redis", "9-summary")) {
            Path file = out.resolve(id + ".md");
            boolean ran = groups.contains(id.substring(0, 1)) && Files.exists(file)
                    && Files.getLastModifiedTime(file).toInstant().isAfter(started);
            if (ran) {
                md.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        Files.writeString(out.resolve("README.md"), md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
        System.out.printf(Locale.ROOT, "Done in %d s; results in %s%n", took.toSeconds(), out.resolve("README.md"));
        if (!failures.isEmpty()) {
            System.err.println("FAILED groups: " + failures);
            System.exit(1);
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void attempt(String group, List<String> failures, Work work) {
        long start = System.nanoTime();
        System.out.println("== group " + group + " ...");
        try {
            work.run();
            System.out.printf(Locale.ROOT, "== group %s done in %.0f s%n", group, (System.nanoTime() - start) / 1e9);
        } catch (Exception | Error e) {
            failures.add(group + ": " + e);
            System.err.println("== group " + group + " FAILED: " + e);
            e.printStackTrace();
        }
    }
}
