package workshop.patterns;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Exercise 5 (README: "5. SimpleFuture"). Build a future that someone completes by hand (a promise), a
 * small {@code CompletableFuture}.
 *
 * <p>It completes at most once: the first of {@code complete}, {@code completeExceptionally} and
 * {@code cancel} wins and returns true, the later ones return false and change nothing ({@code cancel}
 * works only while pending). {@code get()} waits (sleeping, not polling) until the future is complete,
 * then returns the value, or throws {@link ExecutionException} with the failure as its cause, or
 * {@link java.util.concurrent.CancellationException}; {@code get(timeout, unit)} throws
 * {@link TimeoutException} when the time runs out first, counted from the call (a wake-up does not start
 * it again); a timeout of zero or less does not wait, and {@code Long.MAX_VALUE} days waits as long as it
 * takes. A thread in {@code get} may wake up with the future still pending (a spurious wake-up): it must
 * look again and go back to waiting. Both {@code get} methods throw {@link InterruptedException}, with the
 * interrupt status cleared, when the calling thread is interrupted on entry (even if the future is already
 * complete) or while waiting.
 *
 * <p>{@code whenDone(callback)} runs the callback exactly once: in the completing thread if registered
 * while pending (those run in registration order), at once in the registering thread if registered after
 * completion. An exception thrown by a callback must not stop the other callbacks nor reach the caller of
 * {@code complete}: hand it to the running thread's uncaught-exception handler. Do not run callbacks while
 * holding a lock.
 *
 * <p>Build it yourself (do not wrap {@code CompletableFuture} or {@code FutureTask}). Hints are in the
 * README.
 */
public class SimpleFuture<T> implements Future<T> {

    /**
     * Completes the future with {@code value} if it is still pending.
     *
     * @return true if this call completed it, false if it was complete already
     */
    public boolean complete(T value) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.complete()");
    }

    /**
     * Completes the future with {@code failure} if it is still pending.
     *
     * @return true if this call completed it, false if it was complete already
     */
    public boolean completeExceptionally(Throwable failure) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.completeExceptionally()");
    }

    /**
     * Cancels the future if it is still pending.
     *
     * @return true if this call cancelled it, false if it was complete already
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.cancel()");
    }

    /** Runs {@code callback} exactly once when the future is complete (now, if it is already). */
    public void whenDone(Consumer<SimpleFuture<T>> callback) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.whenDone()");
    }

    @Override
    public boolean isCancelled() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.isCancelled()");
    }

    @Override
    public boolean isDone() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.isDone()");
    }

    /** Waits until the future is complete, then returns its value. */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.get()");
    }

    /** As {@link #get()}, but waits at most {@code timeout}. */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 5: SimpleFuture.get(timeout)");
    }
}
