package workshop.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.opentest4j.AssertionFailedError;

/**
 * Tells a thread that waits properly (parked: it costs no CPU) from one that busy-waits (spins in a
 * loop, or polls with short sleeps).
 *
 * <p>The check watches the waiting thread for a window: its CPU time from
 * {@code ThreadMXBean.getThreadCpuTime} and its state, sampled every few milliseconds. A parked thread
 * uses about 0 ms of CPU; a spinning one nearly all of the window, or at the very least a large share of
 * it on a loaded machine, which is why the check asserts a ratio, not an absolute.
 */
public final class BusyWait {

    /** The window a check watches unless told otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMillis(300);

    /** A waiting thread may use at most this share of the window's wall time as CPU time. */
    static final double MAX_CPU_SHARE = 0.10;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(5);

    private BusyWait() {
    }

    /** What a thread did during a window. */
    public record Profile(String thread, Duration window, Duration cpu, Map<Thread.State, Integer> states) {

        public double cpuShare() {
            return window.isZero() ? 0 : (double) cpu.toNanos() / window.toNanos();
        }

        public int samples() {
            return states.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int samplesIn(Thread.State state) {
            return states.getOrDefault(state, 0);
        }

        @Override
        public String toString() {
            return String.format("thread \"%s\" used %d ms of CPU in %d ms (%.0f%%); states seen: %s", thread,
                    cpu.toMillis(), window.toMillis(), 100 * cpuShare(), states);
        }
    }

    /** Watches {@code thread} for {@code window} and returns what it did. */
    public static Profile profile(Thread thread, Duration window) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("This JVM cannot measure per-thread CPU time");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
        long id = thread.threadId();
        long cpuStart = THREADS.getThreadCpuTime(id);
        long start = System.nanoTime();
        long end = start + window.toNanos();
        while (System.nanoTime() < end) {
            states.merge(thread.getState(), 1, Integer::sum);
            LockSupport.parkNanos(SAMPLE_EVERY.toNanos()); // a measurement interval, not synchronization
        }
        long cpuEnd = THREADS.getThreadCpuTime(id);
        long elapsed = System.nanoTime() - start;
        if (cpuStart < 0 || cpuEnd < 0) {
            throw new AssertionFailedError("Thread \"" + thread.getName() + "\" ended while it should have been waiting");
        }
        return new Profile(thread.getName(), Duration.ofNanos(elapsed), Duration.ofNanos(cpuEnd - cpuStart), states);
    }

    /**
     * Asserts that {@code thread}, which the caller knows is waiting for something, waits without using
     * the CPU. Fails for a thread that spins, with or without {@code Thread.onSpinWait()} or
     * {@code Thread.yield()}.
     */
    public static Profile assertWaitsWithoutSpinning(Thread thread) {
        return assertWaitsWithoutSpinning(thread, DEFAULT_WINDOW);
    }

    /** As {@link #assertWaitsWithoutSpinning(Thread)}, over the given window. */
    public static Profile assertWaitsWithoutSpinning(Thread thread, Duration window) {
        Profile profile = profile(thread, window);
        int runnable = profile.samplesIn(Thread.State.RUNNABLE);
        if (profile.cpuShare() > MAX_CPU_SHARE || runnable * 2 > profile.samples()) {
            throw new AssertionFailedError("Busy waiting: " + profile + ".\n"
                    + "A waiting thread should cost no CPU, but this one kept running while it waited: it spins in a loop.\n"
                    + "Block instead: Condition.await(), Object.wait(), a CountDownLatch or LockSupport.park(), each in\n"
                    + "a loop that re-checks the condition after waking.");
        }
        return profile;
    }

    /**
     * Stricter: the thread waits without a timeout (state {@code WAITING} throughout), so it does not
     * poll either. Fails for a loop of short sleeps or timed waits, which costs little CPU but wakes up
     * again and again for nothing and reacts late.
     */
    public static Profile assertWaitsWithoutPolling(Thread thread) {
        return assertWaitsWithoutPolling(thread, DEFAULT_WINDOW);
    }

    /** As {@link #assertWaitsWithoutPolling(Thread)}, over the given window. */
    public static Profile assertWaitsWithoutPolling(Thread thread, Duration window) {
        Profile profile = assertWaitsWithoutSpinning(thread, window);
        int waiting = profile.samplesIn(Thread.State.WAITING);
        if (waiting < profile.samples() * 0.9) {
            throw new AssertionFailedError("Polling: " + profile + ".\n"
                    + "A thread that waits for an event with no deadline should be WAITING (parked until signalled),\n"
                    + "but this one was mostly TIMED_WAITING or RUNNABLE: it sleeps or waits with a timeout in a loop\n"
                    + "and checks again. That wakes the thread for nothing and reacts late. Wait on a Condition\n"
                    + "(or a monitor) and have the thread that changes the state signal it.");
        }
        return profile;
    }
}
