package workshop.patterns;

import java.time.Duration;

/**
 * Exercise 7 (README: "7. VirtualThreads"). Run a great many blocking tasks at once.
 *
 * <p>{@code runBlockingTasks} runs {@code tasks} tasks that each sleep for {@code eachSleeps}, waits
 * until all have finished, and returns how long that took. Ten thousand tasks of 200 ms must finish
 * within a few seconds on a 2-core machine, without creating thousands of platform threads: a pool of
 * 200 platform threads would need 10 seconds. Negative arguments throw {@link IllegalArgumentException};
 * a huge {@code eachSleeps} ({@code Duration.ofSeconds(Long.MAX_VALUE)}) sleeps as long as it takes. If
 * the calling thread is interrupted (on entry or while waiting), interrupt the tasks and return once they
 * have ended, with the interrupt status still set: the method cannot throw
 * {@link InterruptedException}, so it keeps the interrupt for its caller.
 *
 * <p>Hints are in the README.
 */
public final class VirtualThreads {

    private VirtualThreads() {
    }

    /** Runs {@code tasks} tasks that each sleep {@code eachSleeps}, waits for all, returns the time taken. */
    public static Duration runBlockingTasks(int tasks, Duration eachSleeps) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 7: VirtualThreads.runBlockingTasks()");
    }
}
