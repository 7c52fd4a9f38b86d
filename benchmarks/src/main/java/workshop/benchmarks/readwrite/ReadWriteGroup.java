package workshop.benchmarks.readwrite;

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

/** Group 3: read-heavy workloads under five locks. */
public final class ReadWriteGroup {

    private static final List<String> IMPLS = List.of("mutex", "ReentrantReadWriteLock", "ReentrantReadWriteLock(fair)",
            "StampedLock", "FairReadWriteLock");

    private ReadWriteGroup() {
    }

    private record Point(String impl, int readPercent, int threads, double score, double error) {
    }

    public static Section run(RunMode mode, Path out) {
        List<Point> points = new ArrayList<>();
        List<String> percents = mode.readPercents().stream().map(String::valueOf).toList();
        for (int threads : mode.readWriteThreads()) {
            for (RunResult r : Jmh.run(mode, ReadWriteBenchmark.class, "operation", threads,
                    Map.of("impl", IMPLS, "readPercent", percents), out.resolve("jmh-readwrite-" + threads + "t.log"))) {
                points.add(new Point(r.getParams().getParam("impl"), Integer.parseInt(r.getParams().getParam("readPercent")),
                        r.getParams().getThreads(), r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
            }
        }
        Section section = new Section("3-read-heavy", "3. Read-heavy workloads: read-write locks vs a mutex");
        section.text("""
                The guide: a read-write lock lets readers in together, so it beats a mutex when reads dominate. A shared
                `HashMap` of 1,024 entries; each operation is a `get` (read) or replaces a value (write) at random.
                Million operations per second of the whole run (ops/us), ± 99.9% confidence half-width. `mutex` is a
                plain `ReentrantLock`; `StampedLock` reads optimistically (no lock; validate; fall back to a read lock);
                `FairReadWriteLock` is the workshop's (04-patterns), which admits threads in arrival order, like
                `ReentrantReadWriteLock(fair)`. Log scale.""");
        List<String> headers = new ArrayList<>(List.of("lock"));
        for (int threads : mode.readWriteThreads()) {
            for (int percent : mode.readPercents()) {
                headers.add(percent + "% reads, " + threads + " threads");
            }
        }
        Table table = new Table(headers.toArray(String[]::new));
        BarChart chart = new BarChart("Read-heavy map: throughput by lock", "ops/us", true);
        for (String impl : IMPLS) {
            List<Object> row = new ArrayList<>(List.of("`" + impl + "`"));
            for (int threads : mode.readWriteThreads()) {
                for (int percent : mode.readPercents()) {
                    Point p = points.stream().filter(x -> x.impl().equals(impl) && x.threads() == threads
                            && x.readPercent() == percent).findFirst().orElse(null);
                    row.add(p == null ? "" : Format.withError(p.score(), p.error()));
                    if (p != null) {
                        chart.bar(percent + "% reads, " + threads + "t", impl, p.score(), p.error());
                        section.fact(impl + "." + percent + "." + threads, p.score());
                    }
                }
            }
            table.row(row.toArray());
        }
        section.table(table).chart(chart);
        return section;
    }
}
