/*
 * Wrong: the computation runs inside ConcurrentHashMap.computeIfAbsent, under the map's bin lock: keys that share a bin wait for each other
 * Rejected by: MemoizerTest#differentKeysWithTheSameHashCodeAreComputedInParallel
 * Message: waited for an unrelated key
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
            // check-then-act made atomic: computeIfAbsent runs the computation once per key
            Future<V> future = cache.computeIfAbsent(key, k -> {
                FutureTask<V> task = new FutureTask<>(() -> function.apply(k));
                task.run();
                return task;
            });
            try {
                return future.get();
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
