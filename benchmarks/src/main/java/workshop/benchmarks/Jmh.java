package workshop.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs JMH benchmarks with the settings of a {@link RunMode}; JMH's own log goes to a file. */
public final class Jmh {

    private Jmh() {
    }

    /** Flags for every forked benchmark JVM: a fixed heap, so that heap sizing does not differ between forks. */
    static List<String> forkFlags() {
        List<String> flags = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (Runtime.version().feature() >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    /**
     * Runs every benchmark method of {@code benchmark} (or those matching {@code methodRegex}) with
     * {@code threads} threads and the given parameter values.
     */
    public static Collection<RunResult> run(RunMode mode, Class<?> benchmark, String methodRegex, int threads,
            Map<String, List<String>> params, Path log) {
        return run(mode, benchmark, methodRegex, threads, params, log, null, null);
    }

    /** As above, in JMH mode {@code benchMode} with results in {@code unit} (null: as the benchmark's annotations say). */
    public static Collection<RunResult> run(RunMode mode, Class<?> benchmark, String methodRegex, int threads,
            Map<String, List<String>> params, Path log, Mode benchMode, TimeUnit unit) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName() + "\\." + (methodRegex == null ? ".*" : methodRegex) + "$")
                .forks(mode.forks())
                .warmupIterations(mode.warmupIterations())
                .warmupTime(TimeValue.milliseconds(mode.iteration().toMillis()))
                .measurementIterations(mode.measurementIterations())
                .measurementTime(TimeValue.milliseconds(mode.iteration().toMillis()))
                .threads(threads)
                .jvmArgsAppend(forkFlags().toArray(String[]::new))
                .shouldFailOnError(true)
                .output(log.toString());
        if (benchMode != null) {
            options.mode(benchMode).timeUnit(unit);
        }
        params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        try {
            return new Runner(options.build()).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed for " + benchmark.getSimpleName() + " (log: " + log + ")", e);
        }
    }
}
