package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import workshop.testkit.Bounded;

/** Exercise 7: README "7. VirtualThreads". */
class VirtualThreadsTest {

    private static final int TASKS = 10_000;
    private static final Duration EACH_SLEEPS = Duration.ofMillis(200);

    /** "A few seconds": a pool of 200 platform threads needs TASKS / 200 x 200 ms = 10 s. */
    private static final Duration FEW_SECONDS = Duration.ofSeconds(5);

    /** More platform threads than this for one run means the tasks got platform threads of their own. */
    private static final int PLATFORM_THREADS_ALLOWED = 64;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void tenThousandBlockingTasksFinishInAFewSecondsWithoutPlatformThreadsOfTheirOwn() {
        long platformThreadsBefore = THREADS.getTotalStartedThreadCount();

        Bounded.Timed<Duration> run = Bounded.timed("runner", FEW_SECONDS, String.format(
                "%d tasks that each sleep %d ms were still running. On platform threads they need either a pool"
                        + " that runs only N at a time (200 threads need %d s) or %d kernel threads, slow to create."
                        + " Give every task a virtual thread: a sleeping virtual thread holds no platform thread.",
                TASKS, EACH_SLEEPS.toMillis(), TASKS / 200 * EACH_SLEEPS.toMillis() / 1000, TASKS),
                () -> VirtualThreads.runBlockingTasks(TASKS, EACH_SLEEPS));

        long platformThreadsStarted = THREADS.getTotalStartedThreadCount() - platformThreadsBefore;
        assertThat(platformThreadsStarted).withFailMessage(
                "the run started %d platform threads. Platform threads are expensive (a stack of their own, a kernel"
                        + " thread each): give the tasks virtual threads, which a few carrier threads run.",
                platformThreadsStarted).isLessThanOrEqualTo(PLATFORM_THREADS_ALLOWED);
        assertReportedTimeIsTheRunsTime(run, EACH_SLEEPS);
    }

    @Test
    void waitsUntilEveryTaskHasFinished() {
        Duration sleep = Duration.ofMillis(300);
        Bounded.Timed<Duration> run = Bounded.timed("runner", FEW_SECONDS, "5 tasks of 300 ms must finish together.",
                () -> VirtualThreads.runBlockingTasks(5, sleep));
        assertReportedTimeIsTheRunsTime(run, sleep);
    }

    private static void assertReportedTimeIsTheRunsTime(Bounded.Timed<Duration> run, Duration eachSleeps) {
        Duration reported = run.value();
        assertThat(run.elapsed()).withFailMessage(
                "runBlockingTasks returned after %d ms, but each task sleeps %d ms: it must wait until every task has"
                        + " finished (join the threads, or close the executor)", run.elapsed().toMillis(),
                eachSleeps.toMillis()).isGreaterThanOrEqualTo(eachSleeps);
        assertThat(reported).withFailMessage("runBlockingTasks returned null instead of the time the run took").isNotNull();
        assertThat(reported).withFailMessage(
                "runBlockingTasks reported %d ms, but the call took %d ms: return the time from the start of the first"
                        + " task to the end of the last", reported.toMillis(), run.elapsed().toMillis())
                .isBetween(eachSleeps, run.elapsed());
    }

    @Test
    void rejectsNegativeArguments() {
        assertThatThrownBy(() -> VirtualThreads.runBlockingTasks(-1, EACH_SLEEPS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VirtualThreads.runBlockingTasks(1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
