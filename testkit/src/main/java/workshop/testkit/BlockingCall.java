package workshop.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.opentest4j.AssertionFailedError;

/**
 * One call of the code under test on a thread of its own: the test checks that it blocks (a {@code take()} on
 * an empty buffer, an {@code acquireWrite()} behind a reader, a {@code join()} nobody ends), lets it go, and
 * gets its result, or what it threw, back on the test thread. It is the workshop's one tool for "a call on
 * another thread that must block, then finish".
 *
 * <ul>
 *   <li>Nothing is asserted on the other thread: its result or exception is kept and handed to the test
 *       thread by {@link #assertFinishes} (an exception is rethrown as it was).</li>
 *   <li>Every wait is bounded (scaled by {@link TimeFactor}) and fails with a report of where the thread is
 *       stuck, never with a bare time limit.</li>
 *   <li>"Busy-waits" is said only with CPU-time evidence: a thread that did not block in time but used little
 *       CPU is reported as slow, with the hint to raise the time factor.</li>
 *   <li>The thread is always joined or reported: {@link #close()} interrupts it if it still runs, joins it, and
 *       fails, naming it and saying where it is, if it does not end. Use it in try-with-resources.</li>
 * </ul>
 *
 * <pre>{@code
 * try (BlockingCall<String> taker = BlockingCall.start("taker", buffer::take)) {
 *     taker.assertBlocks("take() on an empty buffer waits for an element");
 *     buffer.put("a");
 *     assertThat(taker.assertFinishes("put() must wake the waiting take()")).isEqualTo("a");
 * }
 * }</pre>
 *
 * <p>For a call that must simply finish in time (no blocking expected), {@link #within} runs it on its own
 * thread and fails with a report if it hangs.
 */
public final class BlockingCall<T> implements AutoCloseable {

    /**
     * How long a released call may take to end: a thousand times what it needs on a quiet machine, and what a
     * wrong solution's missed signal costs before it is reported (WORKSHOP_TIME_FACTOR stretches it).
     */
    public static final Duration PATIENCE = TimeFactor.seconds(2);

    /** How long a thread may take to reach a blocked state: far more than it needs, far less than a timed wait's 5 s. */
    public static final Duration BLOCKS_WITHIN = TimeFactor.seconds(2);

    /** A thread that used more than this share of a core while it should have been blocking busy-waits. */
    static final double SPINNING_CPU_SHARE = 0.5;

    /**
     * Evidence enough before {@link #BLOCKS_WITHIN} is up: a thread that should block but ran on a core nearly all
     * of this time spins. A thread only starved of CPU never shows it, and waits out the full time.
     */
    private static final Duration SPIN_EVIDENCE = TimeFactor.millis(500);
    private static final double SPINNING_CPU_SHARE_EARLY = 0.9;

    private static final Set<Thread.State> BLOCKED_STATES =
            EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.BLOCKED);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Thread thread;
    private final AtomicReference<T> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Set once an assertion has reported the thread as stuck: close() then does not make the test wait again. */
    private volatile boolean reportedStuck;

    private BlockingCall(String name, Callable<T> call) {
        this.thread = new Thread(() -> {
            try {
                result.set(call.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts {@code call} on a new thread named {@code name}. */
    public static <T> BlockingCall<T> start(String name, Callable<T> call) {
        BlockingCall<T> blockingCall = new BlockingCall<>(name, call);
        blockingCall.thread.start();
        return blockingCall;
    }

    /** Starts {@code call}, which returns nothing, on a new thread named {@code name}. */
    public static BlockingCall<Void> run(String name, ThrowingRunnable call) {
        return start(name, () -> {
            call.run();
            return null;
        });
    }

    /** The thread the call runs on. */
    public Thread thread() {
        return thread;
    }

    /** Whether the call has returned or thrown. */
    public boolean isDone() {
        return thread.getState() == Thread.State.TERMINATED;
    }

    /** What the call threw, or null (also while it still runs). */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Waits until the call blocks (its thread is WAITING, TIMED_WAITING or BLOCKED). Fails if it returns or
     * throws instead, and if it keeps running: {@code whatItWaitsFor} says, in the learner's terms, what the
     * code should have waited for.
     */
    public BlockingCall<T> assertBlocks(String whatItWaitsFor) {
        awaitBlocked(thread, whatItWaitsFor, BLOCKED_STATES);
        if (isDone()) {
            Throwable thrown = failure();
            AssertionFailedError error = new AssertionFailedError("\"" + thread.getName() + "\" should have waited ("
                    + whatItWaitsFor + "), but it " + (thrown == null ? "returned " + describe(result.get()) + " at once."
                            : "threw " + thrown + "."));
            if (thrown != null) {
                error.initCause(thrown);
            }
            throw error;
        }
        return this;
    }

    /**
     * Waits until the call's thread is in {@code state} (WAITING for an untimed wait, TIMED_WAITING for a timed
     * one). Fails if it ends first or does not get there in time.
     */
    public BlockingCall<T> assertReaches(Thread.State state, String whatItWaitsFor) {
        awaitBlocked(thread, whatItWaitsFor + " (expected state " + state + ")", EnumSet.of(state));
        if (isDone()) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" should be " + state + " (" + whatItWaitsFor
                    + "), but it has ended" + (failure() == null ? "." : " with " + failure() + "."), failure());
        }
        return this;
    }

    /**
     * Waits at most {@link #PATIENCE} for the call to end; returns its result or rethrows what it threw. Fails
     * with {@code hint} and a report of where the thread is if it is still running.
     */
    public T assertFinishes(String hint) {
        return assertFinishesWithin(PATIENCE, hint);
    }

    /** As {@link #assertFinishes(String)}, waiting at most {@code limit}. */
    public T assertFinishesWithin(Duration limit, String hint) {
        if (!joins(thread, limit)) {
            reportedStuck = true;
            throw new AssertionFailedError("\"" + thread.getName() + "\" was still running after " + limit.toMillis()
                    + " ms. " + hint + "\nWhere it is:\n" + ThreadReports.describe(List.of(thread)));
        }
        Throwable thrown = failure();
        if (thrown != null) {
            throw BlockingCall.<RuntimeException>sneaky(thrown);
        }
        return result.get();
    }

    /**
     * Waits at most {@link #PATIENCE} for the call to end by throwing {@code expected}, and returns that
     * exception. Fails, saying what happened instead, if it returns, throws something else or still runs.
     */
    public <X extends Throwable> X assertThrows(Class<X> expected, String hint) {
        if (!joins(thread, PATIENCE)) {
            reportedStuck = true;
            throw new AssertionFailedError("\"" + thread.getName() + "\" was still running after " + PATIENCE.toMillis()
                    + " ms; it should have ended with " + expected.getSimpleName() + ". " + hint + "\nWhere it is:\n"
                    + ThreadReports.describe(List.of(thread)));
        }
        Throwable thrown = failure();
        if (expected.isInstance(thrown)) {
            return expected.cast(thrown);
        }
        throw new AssertionFailedError("\"" + thread.getName() + "\" should have ended with " + expected.getSimpleName()
                + ", but it " + (thrown == null ? "returned " + describe(result.get()) : "threw " + thrown) + ". " + hint,
                thrown);
    }

    /**
     * Interrupts the call if it still runs and joins it. Fails, naming the thread and where it is, if it does
     * not end within {@link #PATIENCE}: a thread the test started never outlives it unnoticed.
     */
    @Override
    public void close() {
        if (!isDone()) {
            thread.interrupt();
        }
        if (reportedStuck) {
            // Already reported with where it is stuck: give it a moment, then leave it (marked, so the thread-leak
            // check does not report it a second time) instead of making the test wait out another patience.
            if (!joins(thread, Duration.ofMillis(200))) {
                ThreadLeaks.abandon(List.of(thread));
            }
            return;
        }
        if (!joins(thread, PATIENCE)) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" did not end within " + PATIENCE.toMillis()
                    + " ms of being interrupted after the test: it ignores interrupts or waits for something nobody"
                    + " will give it.\nWhere it is:\n" + ThreadReports.describe(List.of(thread)));
        }
    }

    // ---- Threads the test did not start, and calls that must simply finish in time ----

    /**
     * Waits until {@code thread}, which the test did not start itself (a pool's worker, say), blocks; fails if
     * it ends or keeps running instead.
     */
    public static void assertBlocked(Thread thread, String whatItWaitsFor) {
        awaitBlocked(thread, whatItWaitsFor, BLOCKED_STATES);
        if (thread.getState() == Thread.State.TERMINATED) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" should have been waiting (" + whatItWaitsFor
                    + "), but it has ended.");
        }
    }

    /** The outcome of a call run by {@link #timed} and how long it took. */
    public record Timed<T>(T value, Duration elapsed) {
    }

    /**
     * Calls {@code body} on a new thread named {@code name} and waits at most {@code limit}: returns what it
     * returns and rethrows what it throws. If it is still running after {@code limit}, interrupts it and fails
     * with {@code stuckHint} and a report of every thread started since the call began.
     */
    public static <T> T within(String name, Duration limit, String stuckHint, Callable<T> body) {
        return timed(name, limit, stuckHint, body).value();
    }

    /** As {@link #within} for a body without a result. */
    public static void within(String name, Duration limit, String stuckHint, ThrowingRunnable body) {
        within(name, limit, stuckHint, () -> {
            body.run();
            return null;
        });
    }

    /** As {@link #within}, with the time the call took. */
    public static <T> Timed<T> timed(String name, Duration limit, String stuckHint, Callable<T> body) {
        Set<Long> before = ThreadLeaks.snapshot();
        AtomicReference<Long> finishedAt = new AtomicReference<>();
        long start = System.nanoTime();
        BlockingCall<T> call = start(name, () -> {
            try {
                return body.call();
            } finally {
                finishedAt.set(System.nanoTime());
            }
        });
        if (!joins(call.thread, limit)) {
            String report = ThreadReports.describe(ThreadLeaks.startedSince(before));
            call.thread.interrupt();
            throw new AssertionFailedError(name + " did not finish within " + limit.toMillis() + " ms. " + stuckHint
                    + "\nWhere its threads are:\n" + report);
        }
        T value = call.assertFinishes(stuckHint);
        return new Timed<>(value, Duration.ofNanos(finishedAt.get() - start));
    }

    /** Joins {@code thread} for at most {@code limit}; returns whether it ended. Keeps the interrupt status. */
    public static boolean joins(Thread thread, Duration limit) {
        try {
            return thread.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A body that returns nothing and may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    static boolean isBlocked(Thread.State state) {
        return BLOCKED_STATES.contains(state);
    }

    /**
     * Polls until {@code thread} is in one of {@code states} or has ended. If neither happens within
     * {@link #BLOCKS_WITHIN}, fails, and calls it busy waiting only when the thread used most of a core meanwhile
     * (sooner, after {@link #SPIN_EVIDENCE}, when it used nearly all of one).
     */
    private static void awaitBlocked(Thread thread, String whatItWaitsFor, Set<Thread.State> states) {
        long cpuBefore = cpuTime(thread);
        long start = System.nanoTime();
        long deadline = start + BLOCKS_WITHIN.toNanos();
        Thread.State state;
        boolean spinChecked = false;
        while ((state = thread.getState()) != Thread.State.TERMINATED && !states.contains(state)) {
            long now = System.nanoTime();
            boolean timeIsUp = now - deadline > 0;
            if (timeIsUp || (!spinChecked && now - start > SPIN_EVIDENCE.toNanos())) {
                long wall = now - start;
                long cpu = cpuTime(thread) - cpuBefore;
                double share = cpuBefore < 0 || cpu < 0 ? -1 : (double) cpu / wall;
                spinChecked = true;
                if (!timeIsUp && share < SPINNING_CPU_SHARE_EARLY) {
                    LockSupport.parkNanos(1_000_000);
                    continue; // no proof of spinning yet: wait out the full time
                }
                String where = "\nWhere it is:\n" + ThreadReports.describe(List.of(thread));
                if (share >= SPINNING_CPU_SHARE) {
                    throw new AssertionFailedError(String.format("\"%s\" should be waiting (%s), but for %d ms it kept"
                            + " running and used %.0f%% of a CPU core: it busy-waits (spins in a loop). A waiting thread"
                            + " must block (Condition.await, a latch, a monitor wait) and be woken by a signal.%s",
                            thread.getName(), whatItWaitsFor, wall / 1_000_000, 100 * share, where));
                }
                throw new AssertionFailedError(String.format("\"%s\" should be waiting (%s), but after %d ms it was still"
                        + " %s (it used %s of CPU meanwhile, so it is not spinning: it is doing something else, or the"
                        + " machine is too busy to run it). %s%s", thread.getName(), whatItWaitsFor, wall / 1_000_000,
                        thread.getState(), share < 0 ? "an unknown amount" : String.format("%.0f%%", 100 * share),
                        TimeFactor.hint(), where));
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
    }

    private static long cpuTime(Thread thread) {
        try {
            return THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(thread.threadId()) : -1;
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    private static String describe(Object value) {
        return value == null ? "(null)" : "\"" + value + "\"";
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
