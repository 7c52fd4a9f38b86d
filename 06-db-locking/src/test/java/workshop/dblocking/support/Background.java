package workshop.dblocking.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * Runs calls of the code under test on their own threads while the test thread holds locks and
 * watches; {@link #close()} ends them all. Declare it before the test's own connections in a
 * try-with-resources, so that those close (and release their locks) first.
 */
public final class Background implements AutoCloseable {

    private final ExecutorService executor;

    public Background(String threadName) {
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name(threadName + "-", 0).daemon(true).factory());
    }

    public <T> Future<T> start(Callable<T> call) {
        return executor.submit(call);
    }

    /** The call's result; its exception is thrown as it was; fails if it takes longer than {@code limit}. */
    public static <T> T result(Future<T> call, Duration limit, String what) throws Exception {
        try {
            return call.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionFailedError(what + " did not return within " + limit.toSeconds() + " s");
        }
    }

    /** Interrupts the calls still running and waits for them to end (a call stuck on a lock ends with its lock timeout). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(TestDatabase.LOCK_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the thread-leak check reports whatever is left
        }
    }
}
