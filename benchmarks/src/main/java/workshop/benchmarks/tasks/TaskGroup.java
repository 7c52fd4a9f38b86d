package workshop.benchmarks.tasks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import workshop.benchmarks.Jmh;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.BarChart;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;

/** Group 4: thread pool vs a thread per task vs virtual threads. */
public final class TaskGroup {

    private TaskGroup() {
    }

    public static Section run(RunMode mode, Path out) {
        Section section = new Section("4-tasks", "4. Short tasks: a thread pool, a thread per task, virtual threads");
        section.text("""
                The guide: creating a thread per task is expensive; reuse threads in a pool, or use lightweight tasks.
                1,000 tasks of a few hundred nanoseconds of work each, submitted and awaited (a `CountDownLatch`);
                JMH `Mode.AverageTime`, microseconds per task (the invocation's time / 1,000), ± 99.9% confidence
                half-width. The pools have two threads (this machine's core count) and live across invocations;
                "thread per task" starts a new platform thread for each task; "virtual threads" a new virtual thread.
                Log scale.""");
        Table table = new Table("how tasks run", "us per task", "10,000 tasks take (ms)");
        BarChart chart = new BarChart("Time per short task", "us per task", true);
        for (RunResult r : Jmh.run(mode, TaskBenchmark.class, "runTasks", 1,
                Map.of("impl", List.of("fixed pool (2)", "SimpleThreadPool (2)", "thread per task", "virtual threads")),
                out.resolve("jmh-tasks.log"))) {
            String impl = r.getParams().getParam("impl");
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            table.row(impl, Format.withError(score, error), Format.num(score * 10_000 / 1_000));
            chart.bar("1,000 short tasks", impl, score, error);
            section.fact(impl, score);
        }
        section.table(table).chart(chart);
        return section;
    }
}
