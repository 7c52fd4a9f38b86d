package workshop.benchmarks.counters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import workshop.benchmarks.Jmh;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.BarChart;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;

/** Groups 1 (lock contention) and 2 (granularity): one JMH run, two sections. */
public final class CounterGroups {

    private CounterGroups() {
    }

    /** One measured point. */
    private record Point(String impl, int threads, double score, double error) {
    }

    public static List<Section> run(RunMode mode, Path out, boolean contention, boolean granularity) {
        List<String> impls = granularity
                ? List.of("synchronized", "LockCounter", "StripedCounter", "CasCounter", "AtomicLong", "LongAdder")
                : List.of("synchronized", "LockCounter");
        List<Point> points = new ArrayList<>();
        for (int threads : mode.counterThreads()) {
            for (RunResult r : Jmh.run(mode, CounterBenchmark.class, "increment", threads, Map.of("impl", impls),
                    out.resolve("jmh-counters-" + threads + "t.log"))) {
                points.add(new Point(r.getParams().getParam("impl"), r.getParams().getThreads(),
                        r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
            }
        }
        List<Section> sections = new ArrayList<>();
        if (contention) {
            sections.add(contention(mode, points));
        }
        if (granularity) {
            sections.add(granularity(mode, points, impls));
        }
        return sections;
    }

    private static Section contention(RunMode mode, List<Point> points) {
        Section section = new Section("1-contention", "1. Lock contention: one lock, more threads");
        section.text("""
                The guide: "high contention = worse performance". Every thread increments one counter guarded by one
                lock (`LockCounter`: a `ReentrantLock`; and `synchronized`). Throughput of the whole run, in million
                increments per second (ops/us), JMH `Mode.Throughput`, ± the 99.9% confidence half-width.
                "per thread" divides by the thread count: with one lock, adding threads adds waiting, not work.""");
        Table table = new Table("threads", "LockCounter ops/us", "per thread", "synchronized ops/us", "per thread");
        BarChart chart = new BarChart("One lock, more threads: total throughput", "ops/us", false);
        for (int threads : mode.counterThreads()) {
            Point lock = find(points, "LockCounter", threads);
            Point sync = find(points, "synchronized", threads);
            table.row(threads, lock == null ? "" : Format.withError(lock.score(), lock.error()),
                    lock == null ? "" : Format.num(lock.score() / threads),
                    sync == null ? "" : Format.withError(sync.score(), sync.error()),
                    sync == null ? "" : Format.num(sync.score() / threads));
            for (Point p : new Point[] {lock, sync}) {
                if (p != null) {
                    chart.bar(threads + " thread" + (threads == 1 ? "" : "s"), p.impl(), p.score(), p.error());
                    section.fact(p.impl() + "." + threads, p.score());
                }
            }
        }
        section.table(table).chart(chart);
        return section;
    }

    private static Section granularity(RunMode mode, List<Point> points, List<String> impls) {
        Section section = new Section("2-granularity", "2. Granularity: one lock, striped locks, CAS, atomics");
        section.text("""
                The guide: fine-grained locking and lock-free counters scale better than one coarse lock. The same
                shared counter, six ways: `synchronized`; `LockCounter` (one `ReentrantLock`); `StripedCounter` (16
                stripes, each with its own lock, chosen by thread id); `CasCounter` (a `compareAndSet` retry loop);
                the JDK's `AtomicLong.incrementAndGet` and `LongAdder`. Million increments per second of the whole run
                (ops/us), ± 99.9% confidence half-width. Log scale: the values span decades.""");
        List<String> headers = new ArrayList<>(List.of("implementation"));
        mode.counterThreads().forEach(t -> headers.add(t + (t == 1 ? " thread" : " threads")));
        Table table = new Table(headers.toArray(String[]::new));
        BarChart chart = new BarChart("Shared counter: throughput by implementation and threads", "ops/us", true);
        for (String impl : impls) {
            List<Object> row = new ArrayList<>(List.of("`" + impl + "`"));
            for (int threads : mode.counterThreads()) {
                Point p = find(points, impl, threads);
                row.add(p == null ? "" : Format.withError(p.score(), p.error()));
                if (p != null) {
                    chart.bar(threads + (threads == 1 ? " thread" : " threads"), impl, p.score(), p.error());
                    section.fact(impl + "." + threads, p.score());
                }
            }
            table.row(row.toArray());
        }
        section.table(table).chart(chart);
        return section;
    }

    private static Point find(List<Point> points, String impl, int threads) {
        return points.stream().filter(p -> p.impl().equals(impl) && p.threads() == threads).findFirst().orElse(null);
    }
}
