package workshop.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.Bounded.ThrowingRunnable;

/**
 * One thread running one blocking call in the background (a {@code take()}, a {@code join()}, an
 * {@code acquireWrite()}), so the test can check that it blocks, then release it and check that it ends.
 * Whatever the call throws is kept and rethrown by {@link #assertEndsWithin}. Closing interrupts and joins
 * the thread if it is still running.
 */
public final class Background implements AutoCloseable {

    /** How long a thread may take to end once released. */
    public static final Duration PATIENCE = Duration.ofSeconds(5);

    /** How long a thread may take to reach a blocked state: far more than it needs, far less than a timed wait's 5 s. */
    public static final Duration BLOCKS_WITHIN = Duration.ofSeconds(2);

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Background(String name, ThrowingRunnable body) {
        this.thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts {@code body} on a new thread named {@code name}. */
    public static Background start(String name, ThrowingRunnable body) {
        Background background = new Background(name, body);
        background.thread.start();
        return background;
    }

    public Thread thread() {
        return thread;
    }

    /** Whether the call has returned or thrown. */
    public boolean ended() {
        return !thread.isAlive();
    }

    /** What the call threw, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Waits until the thread blocks (WAITING, TIMED_WAITING or BLOCKED), and fails if it ends instead:
     * {@code whatShouldBlock} says what the learner's code should have waited for.
     */
    public Background assertBlocks(String whatShouldBlock) {
        awaitBlockedOrEnded(thread, whatShouldBlock);
        if (ended()) {
            Throwable thrown = failure();
            AssertionFailedError error = new AssertionFailedError("\"" + thread.getName() + "\" should have waited ("
                    + whatShouldBlock + "), but it " + (thrown == null ? "returned at once." : "threw " + thrown));
            if (thrown != null) {
                error.initCause(thrown);
            }
            throw error;
        }
        return this;
    }

    /**
     * Joins the thread for at most {@code limit}; fails with {@code hint} and a report of where it is stuck
     * if it is still running, and rethrows what the call threw.
     */
    public void assertEndsWithin(Duration limit, String hint) {
        if (!Bounded.ends(thread, limit)) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" was still waiting after " + limit.toMillis()
                    + " ms. " + hint + "\nWhere it is:\n" + ThreadReports.describe(List.of(thread)));
        }
        Throwable thrown = failure();
        if (thrown != null) {
            throw Background.<RuntimeException>sneaky(thrown);
        }
    }

    /** As {@link #assertEndsWithin} with {@link #PATIENCE}. */
    public void assertEnds(String hint) {
        assertEndsWithin(PATIENCE, hint);
    }

    /**
     * Waits until {@code thread}, which the test did not start itself (a pool's worker, say), blocks;
     * fails if it ends instead.
     */
    public static void assertBlocked(Thread thread, String whatShouldBlock) {
        awaitBlockedOrEnded(thread, whatShouldBlock);
        if (!thread.isAlive()) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" should have been waiting (" + whatShouldBlock
                    + "), but it has ended.");
        }
    }

    private static void awaitBlockedOrEnded(Thread thread, String whatShouldBlock) {
        try {
            await("\"" + thread.getName() + "\" to block").atMost(BLOCKS_WITHIN).pollInterval(Duration.ofMillis(2))
                    .until(() -> !thread.isAlive() || isBlocked(thread.getState()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionFailedError("\"" + thread.getName() + "\" should be waiting (" + whatShouldBlock
                    + "), but for " + BLOCKS_WITHIN.toSeconds() + " s it kept running: it busy-waits (spins in a loop)."
                    + " A waiting thread must block (Condition.await, a latch) and be woken by a signal.\nWhere it is:\n"
                    + ThreadReports.describe(List.of(thread)));
        }
    }

    static boolean isBlocked(Thread.State state) {
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            thread.interrupt();
            Bounded.ends(thread, Duration.ofSeconds(2));
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
