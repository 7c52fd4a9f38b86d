package workshop.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How long and how often to measure. {@link #SMOKE} only proves that every group still runs (CI);
 * {@link #QUICK} gives rough numbers in under 3 minutes; {@link #FULL} gives the numbers in the README.
 *
 * @param forks JMH forks per benchmark (fresh JVMs: results that hold across JIT decisions)
 * @param warmupIterations JMH warm-up iterations, each {@code iteration} long
 * @param measurementIterations JMH measured iterations, each {@code iteration} long
 * @param iteration length of one JMH iteration
 * @param harnessRun length of one measured run of a harness group (5-8)
 * @param counterThreads thread counts of groups 1 and 2
 * @param readWriteThreads thread counts of group 3
 * @param readPercents read shares of group 3
 * @param blockedTasks how many blocked tasks group 5 measures
 * @param accountCounts contention levels of group 7 (accounts to pick from; 0 = one hot account)
 */
public record RunMode(String name, int forks, int warmupIterations, int measurementIterations, Duration iteration,
        Duration harnessRun, List<Integer> counterThreads, List<Integer> readWriteThreads, List<Integer> readPercents,
        int blockedTasks, List<Integer> accountCounts) {

    public static final RunMode SMOKE = new RunMode("smoke", 1, 0, 1, Duration.ofMillis(100), Duration.ofMillis(200),
            List.of(2), List.of(2), List.of(90), 1_000, List.of(1024, 2, 0));

    public static final RunMode QUICK = new RunMode("quick", 1, 1, 3, Duration.ofMillis(200), Duration.ofMillis(1000),
            List.of(1, 2, 4, 8), List.of(4), List.of(90, 99), 10_000, List.of(1024, 64, 8, 2, 0));

    public static final RunMode FULL = new RunMode("full", 2, 3, 5, Duration.ofMillis(500), Duration.ofSeconds(5),
            List.of(1, 2, 4, 8), List.of(2, 4), List.of(90, 99), 10_000, List.of(1024, 64, 8, 2, 0));

    public static RunMode named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "smoke" -> SMOKE;
            case "quick" -> QUICK;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException("unknown mode \"" + name + "\": use smoke, quick or full");
        };
    }

    /** One line for the report: what the JMH numbers are made of. */
    public String describe() {
        return String.format(Locale.ROOT, "mode %s: JMH %d fork(s) x (%d warm-up + %d measured iterations of %d ms); harness runs %d ms",
                name, forks, warmupIterations, measurementIterations, iteration.toMillis(), harnessRun.toMillis());
    }
}
