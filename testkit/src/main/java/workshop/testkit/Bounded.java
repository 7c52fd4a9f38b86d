package workshop.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a call that may hang (a {@code join()} nobody ends, a pipeline whose workers never stop) on a
 * thread of its own, and fails within a set time with a report of where the threads are stuck and a hint
 * in the learner's terms, instead of letting the whole test run into its time limit.
 */
public final class Bounded {

    private Bounded() {
    }

    /** The outcome of a bounded call and how long it took. */
    public record Timed<T>(T value, Duration elapsed) {
    }

    /**
     * Calls {@code body} on a new thread named {@code name} and waits at most {@code limit}. Returns what
     * it returns and rethrows what it throws; if it is still running after {@code limit}, interrupts it
     * and fails with {@code stuckHint} and a report of the threads started since the call began.
     */
    public static <T> T call(String name, Duration limit, String stuckHint, Callable<T> body) {
        return timed(name, limit, stuckHint, body).value();
    }

    /** As {@link #call}, with the time the call took. */
    public static <T> Timed<T> timed(String name, Duration limit, String stuckHint, Callable<T> body) {
        Set<Long> before = ThreadLeaks.snapshot();
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Long> finishedAt = new AtomicReference<>();
        long start = System.nanoTime();
        Thread caller = new Thread(() -> {
            try {
                result.set(body.call());
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                finishedAt.set(System.nanoTime());
            }
        }, name);
        caller.setDaemon(true);
        caller.start();
        try {
            caller.join(limit);
        } catch (InterruptedException e) {
            caller.interrupt();
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for " + name, e);
        }
        if (caller.isAlive()) {
            List<Thread> involved = ThreadLeaks.startedSince(before);
            String report = ThreadReports.describe(involved);
            caller.interrupt();
            throw new AssertionFailedError(name + " did not finish within " + limit.toMillis() + " ms. " + stuckHint
                    + "\nWhere its threads are:\n" + report);
        }
        Duration elapsed = Duration.ofNanos(finishedAt.get() - start);
        Throwable thrown = failure.get();
        if (thrown != null) {
            throw Bounded.<RuntimeException>sneaky(thrown);
        }
        return new Timed<>(result.get(), elapsed);
    }

    /** As {@link #call} for a body without a result. */
    public static void run(String name, Duration limit, String stuckHint, ThrowingRunnable body) {
        call(name, limit, stuckHint, () -> {
            body.run();
            return null;
        });
    }

    /** A body that returns nothing and may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Joins {@code thread} for at most {@code limit}; returns whether it ended. Keeps the interrupt. */
    public static boolean ends(Thread thread, Duration limit) {
        try {
            return thread.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
