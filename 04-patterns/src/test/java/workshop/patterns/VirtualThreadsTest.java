package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

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
    @TimeLimit(30) // room for the report on a pool that is still busy after FEW_SECONDS, on a loaded machine
    void tenThousandBlockingTasksFinishInAFewSecondsWithoutPlatformThreadsOfTheirOwn() {
        long platformThreadsBefore = THREADS.getTotalStartedThreadCount();

        BlockingCall.Timed<Duration> run = BlockingCall.timed("runner", FEW_SECONDS, String.format(
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
        BlockingCall.Timed<Duration> run = BlockingCall.timed("runner", FEW_SECONDS, "5 tasks of 300 ms must finish together.",
                () -> VirtualThreads.runBlockingTasks(5, sleep));
        assertReportedTimeIsTheRunsTime(run, sleep);
    }

    private static void assertReportedTimeIsTheRunsTime(BlockingCall.Timed<Duration> run, Duration eachSleeps) {
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
    void takesHugeAndNegativeSleepsAndAnInterruptedCaller() throws Exception {
        Timeouts.assertReturnsAtOnce("runBlockingTasks(0, Duration.ofSeconds(Long.MAX_VALUE))",
                () -> VirtualThreads.runBlockingTasks(0, Timeouts.FOREVER));
        Throwable refused = catchThrowable(() -> VirtualThreads.runBlockingTasks(1, Timeouts.MOST_NEGATIVE));
        assertThat(refused).withFailMessage("runBlockingTasks(1, Duration.ofSeconds(Long.MIN_VALUE)) must throw"
                + " IllegalArgumentException at once (a negative sleep), but it %s",
                refused == null ? "returned" : "threw " + refused).isInstanceOf(IllegalArgumentException.class);

        boolean stillInterrupted = BlockingCall.within("interrupted-caller", BlockingCall.PATIENCE,
                "runBlockingTasks(2, Duration.ofSeconds(Long.MAX_VALUE)) by a thread whose interrupt status was set"
                        + " kept waiting: an interrupted caller must interrupt the tasks and return once they ended"
                        + " (closing the executor does that).", () -> {
                    Thread.currentThread().interrupt();
                    VirtualThreads.runBlockingTasks(2, Timeouts.FOREVER);
                    return Thread.currentThread().isInterrupted();
                });
        assertThat(stillInterrupted).withFailMessage("runBlockingTasks by an interrupted caller cleared the interrupt"
                + " status: it cannot throw InterruptedException, so it must leave the status set").isTrue();

        try (BlockingCall<Boolean> runner = BlockingCall.start("runner", () -> {
            VirtualThreads.runBlockingTasks(2, Timeouts.FOREVER);
            return Thread.currentThread().isInterrupted();
        })) {
            runner.assertBlocks("runBlockingTasks(2, Duration.ofSeconds(Long.MAX_VALUE)): the tasks sleep as long as it"
                    + " takes");
            runner.thread().interrupt();
            assertThat(runner.assertFinishes("runBlockingTasks was interrupted while its tasks slept for"
                    + " Duration.ofSeconds(Long.MAX_VALUE), and kept waiting: interrupt the tasks and return once they"
                    + " ended (closing the executor does that).")).withFailMessage("runBlockingTasks returned after"
                    + " an interrupt but cleared the interrupt status: leave it set for the caller").isTrue();
        }
    }

    @Test
    void rejectsNegativeArguments() {
        assertThatThrownBy(() -> VirtualThreads.runBlockingTasks(-1, EACH_SLEEPS)).as(
                "runBlockingTasks(-1, ...) must throw IllegalArgumentException: a task count cannot be negative")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VirtualThreads.runBlockingTasks(1, Duration.ofMillis(-1))).as(
                "runBlockingTasks(1, -1 ms) must throw IllegalArgumentException: a sleep cannot be negative")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
