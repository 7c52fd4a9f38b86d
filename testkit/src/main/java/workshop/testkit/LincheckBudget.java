package workshop.testkit;

import java.util.function.UnaryOperator;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.opentest4j.AssertionFailedError;

/**
 * Lincheck options sized for a unit test: seconds, not minutes. Lincheck's defaults explore far more
 * (tens of seconds to minutes per check); this budget still finds the classic races (a lost update,
 * a check-then-act) every run, because model checking explores interleavings systematically.
 *
 * <pre>{@code
 * @Test void isLinearizable() {
 *     LincheckBudget.check(LincheckBudget.modelChecking(), getClass(), "Lincheck found ... : what it means, what to do.");
 * }
 * }</pre>
 *
 * <p>A check that passed is not run again while the bytecode it checked is unchanged ({@link LincheckVerdicts}):
 * a learner's next run model-checks only what changed. The check ({@code -Pcheck}) always runs every check.
 */
public final class LincheckBudget {

    /** Scenarios explored per check. */
    public static final int ITERATIONS = 20;
    /** Interleavings tried per scenario. */
    public static final int INVOCATIONS_PER_ITERATION = 500;

    private LincheckBudget() {
    }

    /** Model checking: explores thread switches at every shared-memory access; deterministic. */
    public static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .iterations(ITERATIONS)
                .invocationsPerIteration(INVOCATIONS_PER_ITERATION)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1);
    }

    /** Stress testing: real threads, many runs; for code model checking cannot instrument. */
    public static StressOptions stress() {
        return new StressOptions()
                .iterations(ITERATIONS)
                .invocationsPerIteration(INVOCATIONS_PER_ITERATION)
                .threads(2)
                .actorsPerThread(3);
    }

    /**
     * Runs {@code options} on {@code testClass}. A failure is reported as {@code explanation} (what the interleaving
     * means and what to do), then Lincheck's report (the scenario and the interleaving, step by step).
     */
    public static void check(ModelCheckingOptions options, Class<?> testClass, String explanation) {
        check(options, testClass, report -> explanation);
    }

    /** As {@link #check(ModelCheckingOptions, Class, String)}, the explanation chosen by what Lincheck reported. */
    public static void check(ModelCheckingOptions options, Class<?> testClass, UnaryOperator<String> explanation) {
        try {
            LincheckVerdicts.runUnlessPassedBefore(testClass, options, () -> options.check(testClass));
        } catch (AssertionError failure) {
            String report = String.valueOf(failure.getMessage());
            throw new AssertionFailedError(explanation.apply(report) + "\n" + report, failure);
        }
    }
}
