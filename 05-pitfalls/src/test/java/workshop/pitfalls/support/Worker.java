package workshop.pitfalls.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.ThreadReports;

/**
 * One call running on a thread of its own, so that the test can watch it block, let it go, and collect
 * its result or what it threw. Closing interrupts the thread if it is still running and joins it, so a
 * test that fails half-way leaves nothing behind (a thread stuck in an uninterruptible {@code lock()}
 * ends once the test's {@code finally} has released what it waits for).
 */
public final class Worker<T> implements AutoCloseable {

    /** How long a released call may take to end. */
    public static final Duration PATIENCE = Duration.ofSeconds(5);

    private final Thread thread;
    private final AtomicReference<T> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Worker(String name, Callable<T> call) {
        thread = new Thread(() -> {
            try {
                result.set(call.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts {@code call} on a new thread named {@code name}. */
    public static <T> Worker<T> start(String name, Callable<T> call) {
        Worker<T> worker = new Worker<>(name, call);
        worker.thread.start();
        return worker;
    }

    public Thread thread() {
        return thread;
    }

    /** Whether the call has ended within {@code limit}. */
    public boolean endsWithin(Duration limit) throws InterruptedException {
        return thread.join(limit);
    }

    /**
     * Waits at most {@code limit} for the call to end and returns its result or rethrows what it threw;
     * if it is still running, fails with {@code hint} and a report of where the thread is.
     */
    public T result(Duration limit, String hint) throws Exception {
        if (!thread.join(limit)) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" had not finished after " + limit.toMillis()
                    + " ms. " + hint + "\nWhere it is:\n" + ThreadReports.describe(List.of(thread)));
        }
        return resultNow();
    }

    /** As {@link #result(Duration, String)} with {@link #PATIENCE}. */
    public T result(String hint) throws Exception {
        return result(PATIENCE, hint);
    }

    private T resultNow() throws Exception {
        Throwable thrown = failure.get();
        if (thrown instanceof Exception e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    /** What the call threw, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Waits (at most {@code limit}) until the thread has stopped running: it is WAITING, TIMED_WAITING or
     * BLOCKED, or it has ended. Returns whether it is blocked.
     */
    public boolean awaitBlocked(Duration limit) {
        awaitCondition(() -> switch (thread.getState()) {
            case WAITING, TIMED_WAITING, BLOCKED, TERMINATED -> true;
            default -> false;
        }, limit);
        return thread.isAlive() && thread.getState() != Thread.State.RUNNABLE;
    }

    /**
     * Waits (at most {@code limit}) until {@code latch} opens or the call ends (it threw, for example);
     * returns whether the latch opened.
     */
    public boolean awaitLatchOrEnd(java.util.concurrent.CountDownLatch latch, Duration limit) {
        awaitCondition(() -> latch.getCount() == 0 || !thread.isAlive(), limit);
        return latch.getCount() == 0;
    }

    /**
     * Polls {@code condition} every millisecond until it holds or {@code limit} has passed; returns
     * whether it held. For code that must not throw (computations the code under test runs).
     */
    public static boolean awaitCondition(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            thread.interrupt();
        }
        if (!thread.join(PATIENCE)) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" did not end within " + PATIENCE.toMillis()
                    + " ms after the test released it.\nWhere it is:\n" + ThreadReports.describe(List.of(thread)));
        }
    }
}
