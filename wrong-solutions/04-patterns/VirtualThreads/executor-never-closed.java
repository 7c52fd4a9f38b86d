/*
 * Wrong: the executor is never closed (returns before the tasks end)
 * Rejected by: VirtualThreadsTest#waitsUntilEveryTaskHasFinished
 * Message: it must wait until every task has finished
 * Caught by: `waitsUntilEveryTaskHasFinished` (also `tenThousandBlockingTasks...` on some runs)
 */
package workshop.patterns;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Many blocking tasks at once, on virtual threads.
 *
 * <p>A virtual thread is a thread the JDK schedules itself: when it blocks (sleep, I/O, a lock, a queue)
 * it leaves its carrier platform thread free for another virtual thread. Ten thousand tasks that each
 * block for 200 ms therefore finish in about 200 ms plus the cost of starting them, on any number of
 * cores; a pool of N platform threads needs {@code tasks / N} rounds of 200 ms instead.
 */
public final class VirtualThreads {

    private VirtualThreads() {
    }

    /**
     * Runs {@code tasks} tasks that each sleep for {@code eachSleeps}, each on its own virtual thread,
     * and waits until all have finished.
     *
     * <p>If the calling thread is interrupted (also before the call), the tasks are interrupted, and the
     * method returns once they have ended, with the interrupt status set: it cannot throw
     * {@link InterruptedException} (its signature has no checked exception), so it keeps the interrupt for
     * the caller to see. A huge {@code eachSleeps} ({@code Duration.ofSeconds(Long.MAX_VALUE)}) sleeps as
     * long as it takes, that is until interrupted: {@code Thread.sleep(Duration)} saturates it.
     *
     * @return the time from the start of the first task to the end of the last
     * @throws IllegalArgumentException if {@code tasks} or {@code eachSleeps} is negative
     */
    public static Duration runBlockingTasks(int tasks, Duration eachSleeps) {
        Objects.requireNonNull(eachSleeps, "eachSleeps");
        if (tasks < 0) {
            throw new IllegalArgumentException("tasks must be zero or more, was " + tasks);
        }
        if (eachSleeps.isNegative()) {
            throw new IllegalArgumentException("eachSleeps must be zero or more, was " + eachSleeps);
        }
        long start = System.nanoTime();
        // close() waits for every task; if interrupted, it interrupts them, waits, and keeps the interrupt.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < tasks; i++) {
            executor.submit(() -> {
                Thread.sleep(eachSleeps); // blocks the virtual thread, not its carrier
                return null;
            });
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
