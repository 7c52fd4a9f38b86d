package workshop.pitfalls;

import java.util.Objects;
import java.util.function.Function;

/**
 * Exercise 4 (README: "4. Memoizer"). A cache in front of an expensive function: {@code get(key)}
 * computes {@code function.apply(key)} the first time and returns the stored result after that.
 *
 * <p>The classic first attempt, "look the key up; if it is missing, compute and store it", is a
 * check-then-act race: sixteen threads that ask for the same key at once all see it missing and all
 * compute it. The classic second attempt, one lock around everything, computes each key once but
 * makes a request for key B wait for a slow computation of key A.
 *
 * <p>Build it so that each key is computed once however many threads ask at the same time (the others
 * wait for that one result), different keys are computed in parallel, and a computation that throws is
 * not cached: the caller gets the exception (a {@code RuntimeException} or {@code Error} as thrown, not
 * wrapped) and the next {@code get} tries again.
 */
public class Memoizer<K, V> {

    private final Function<K, V> function;

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
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 4: Memoizer.get()");
    }
}
