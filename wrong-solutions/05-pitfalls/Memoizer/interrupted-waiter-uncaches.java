/*
 * Wrong: a waiter interrupted while it waits removes the key's future from the cache: the next caller computes the key a second time while the first computation still runs
 * Rejected by: MemoizerTest#aWaiterThatIsInterruptedDoesNotMakeTheNextCallerComputeAgain
 * Message: The interrupted waiter took the key's future out of the cache
 */
package workshop.pitfalls;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * A cache in front of an expensive function (the {@code Memoizer} of "Java Concurrency in Practice").
 *
 * <p>Each key is computed at most once at a time: the first thread to ask for a key stores a
 * {@link Future} for it with one atomic {@code putIfAbsent} and runs the computation; every other thread
 * that asks for the key meanwhile finds that future and waits for its result. Different keys are
 * computed in parallel: no lock is held while a computation runs. A computation that throws is
 * removed from the cache, so the exception reaches every caller that waited for that attempt and the
 * next {@code get} computes again.
 *
 * <p>Thread-safe. Memory consistency: the actions of the computation of a key happen-before
 * {@code get} returns its result in any thread.
 */
public class Memoizer<K, V> {

    private final Function<K, V> function;
    private final ConcurrentMap<K, Future<V>> cache = new ConcurrentHashMap<>();

    /** A cache in front of {@code function}. */
    public Memoizer(Function<K, V> function) {
        this.function = Objects.requireNonNull(function, "function");
    }

    /**
     * The result of {@code function.apply(key)}, computed at most once per key unless it failed.
     *
     * @throws InterruptedException if the thread is interrupted while it waits for another thread's
     *     computation of the same key
     */
    public V get(K key) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        while (true) {
            Future<V> future = cache.get(key);
            if (future == null) {
                FutureTask<V> task = new FutureTask<>(() -> function.apply(key));
                future = cache.putIfAbsent(key, task); // check-then-act made atomic: one thread wins
                if (future == null) {
                    future = task;
                    task.run(); // the winner computes, in its own thread and without any lock held
                }
            }
            try {
                return future.get();
            } catch (InterruptedException e) {
                cache.remove(key, future); // this thread gives up on the key: let the next caller compute it
                throw e;
            } catch (CancellationException e) {
                cache.remove(key, future); // cannot happen here (nobody cancels), but never cache a cancelled task
            } catch (ExecutionException e) {
                cache.remove(key, future); // failures are not cached: the next get computes again
                throw unwrap(e.getCause());
            }
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        // function.apply cannot throw a checked exception, but be safe.
        return new IllegalStateException("computation failed", cause);
    }
}
