/*
 * Wrong: `get()` does not check for an interrupt first: an interrupted caller of a completed future gets its value instead of InterruptedException
 * Rejected by: SimpleFutureTest#anInterruptedCallerGetsInterruptedExceptionEvenWhenTheFutureIsComplete
 * Message: check for an interrupt first
 */
package workshop.patterns;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A future that someone completes by hand (a promise): the producer of a value calls {@link #complete}
 * or {@link #completeExceptionally}, and consumers wait for it with {@link #get()} or register a callback
 * with {@link #whenDone}. A small {@link java.util.concurrent.CompletableFuture}.
 *
 * <p>It completes at most once: the first of {@code complete}, {@code completeExceptionally} and
 * {@code cancel} wins and returns true; the later ones change nothing and return false. {@code cancel}
 * works only while the future is pending; {@code mayInterruptIfRunning} has no effect, since no thread
 * runs on behalf of this future.
 *
 * <p>Every callback runs exactly once: callbacks registered while the future is pending run in the
 * thread that completes it, right after completion, in registration order; a callback registered after
 * completion runs at once in the registering thread. Callbacks run without any lock held, so they may use
 * this future freely. An exception thrown by a callback does not stop the other callbacks and does not
 * reach the caller of {@code complete}: it goes to the uncaught-exception handler of the thread that ran
 * the callback (which prints it, unless someone installed a handler).
 *
 * <p>How it differs from {@link java.util.concurrent.CompletableFuture} and
 * {@link java.util.concurrent.FutureTask}, and why:
 * <ul>
 *   <li>{@code whenDone} returns nothing: there is no chaining ({@code thenApply}, {@code thenCompose},
 *       {@code exceptionally}), no {@code join()}, {@code getNow} or {@code obtrude...}. A callback's
 *       exception goes to the thread's uncaught-exception handler; {@code CompletableFuture.whenComplete}
 *       would complete the dependent future with it instead, but here there is no dependent future to
 *       carry it.</li>
 *   <li>Unlike {@code FutureTask}, it runs nothing itself: someone else completes it, so {@code cancel}'s
 *       {@code mayInterruptIfRunning} has nothing to interrupt (as in {@code CompletableFuture}).</li>
 *   <li>Both {@code get} methods check for an interrupt first and throw {@link InterruptedException} even
 *       if the future is already complete; {@code CompletableFuture.get} and {@code FutureTask.get} return
 *       a completed future's value to an interrupted caller. Checking first makes every waiting method of
 *       this workshop behave alike: an interrupted caller never goes on as if nothing happened.</li>
 * </ul>
 *
 * <p>Thread-safe. Memory consistency: actions before {@code complete} happen-before {@code get()} returns
 * the value and before the callbacks run.
 */
public class SimpleFuture<T> implements Future<T> {

    private enum Outcome { PENDING, VALUE, FAILURE, CANCELLED }

    /** Main lock guarding all state. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Signalled once, when the future completes. */
    private final Condition completed = lock.newCondition();

    @GuardedBy("lock")
    private Outcome outcome = Outcome.PENDING;

    @GuardedBy("lock")
    private T value;

    @GuardedBy("lock")
    private Throwable failure;

    /** Callbacks waiting for completion; null once the future is complete (they have been handed out). */
    @GuardedBy("lock")
    private List<Consumer<? super SimpleFuture<T>>> callbacks = new ArrayList<>();

    /**
     * Completes the future with {@code value} if it is still pending.
     *
     * @return true if this call completed it, false if it was complete already
     */
    public boolean complete(T value) {
        return finish(Outcome.VALUE, value, null);
    }

    /**
     * Completes the future with {@code failure} if it is still pending: {@link #get()} then throws an
     * {@link ExecutionException} with {@code failure} as its cause.
     *
     * @return true if this call completed it, false if it was complete already
     */
    public boolean completeExceptionally(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return finish(Outcome.FAILURE, null, failure);
    }

    /**
     * Cancels the future if it is still pending: {@link #get()} then throws {@link CancellationException}.
     *
     * @param mayInterruptIfRunning ignored: no thread runs on behalf of this future
     * @return true if this call cancelled it, false if it was complete already
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return finish(Outcome.CANCELLED, null, null);
    }

    /**
     * Runs {@code callback} exactly once when the future is complete: later, in the completing thread, or
     * now, in this thread, if it is complete already.
     */
    public void whenDone(Consumer<SimpleFuture<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        lock.lock();
        try {
            if (outcome == Outcome.PENDING) {
                callbacks.add(callback);
                return;
            }
        } finally {
            lock.unlock();
        }
        runCallback(callback);
    }

    @Override
    public boolean isCancelled() {
        lock.lock();
        try {
            return outcome == Outcome.CANCELLED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isDone() {
        lock.lock();
        try {
            return outcome != Outcome.PENDING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the future is complete, then returns its value.
     *
     * @throws ExecutionException if it completed exceptionally (the cause is the failure)
     * @throws CancellationException if it was cancelled
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        lock.lock();
        try {
            while (outcome == Outcome.PENDING) {
                completed.await();
            }
            return report();
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #get()}, but waits at most {@code timeout}. A timeout of zero or less does not wait: a
     * pending future throws {@link TimeoutException} at once. A huge one ({@code Long.MAX_VALUE} days) waits
     * as long as it takes.
     *
     * @throws TimeoutException if the future is still pending when the time runs out
     */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before get(timeout)");
        }
        long nanos = unit.toNanos(timeout); // saturates at Long.MAX_VALUE (about 292 years)
        lock.lockInterruptibly();
        try {
            while (outcome == Outcome.PENDING) {
                if (nanos <= 0) {
                    throw new TimeoutException("still pending after " + timeout + " " + unit.name().toLowerCase());
                }
                nanos = completed.awaitNanos(nanos);
            }
            return report();
        } finally {
            lock.unlock();
        }
    }

    /** Completes the future if pending, then runs the callbacks outside the lock. */
    private boolean finish(Outcome how, T result, Throwable error) {
        List<Consumer<? super SimpleFuture<T>>> toRun;
        lock.lock();
        try {
            if (outcome != Outcome.PENDING) {
                return false;
            }
            outcome = how;
            value = result;
            failure = error;
            toRun = callbacks;
            callbacks = null;
            completed.signalAll();
        } finally {
            lock.unlock();
        }
        toRun.forEach(this::runCallback);
        return true;
    }

    /** The outcome as {@code get} reports it. Call only when holding lock, once complete. */
    @GuardedBy("lock")
    private T report() throws ExecutionException {
        return switch (outcome) {
            case VALUE -> value;
            case FAILURE -> throw new ExecutionException(failure);
            case CANCELLED -> throw new CancellationException("the future was cancelled");
            case PENDING -> throw new IllegalStateException("not complete");
        };
    }

    private void runCallback(Consumer<? super SimpleFuture<T>> callback) {
        try {
            callback.accept(this);
        } catch (Throwable t) { // one failing callback must not keep the others from running
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, t);
        }
    }
}
