package workshop.pitfalls;

import java.util.function.BinaryOperator;

/**
 * Exercise 5 (README: "5. StripedMap"). A thread-safe map that does not make every thread queue behind
 * one lock: the keys are spread over {@code stripes} stripes, each with its own lock (lock striping,
 * as in the first {@code ConcurrentHashMap}). Threads that work on keys of different stripes never wait
 * for each other.
 *
 * <p>The stripe function is part of the contract (the tests rely on it): key {@code k} lives in stripe
 * {@code Math.floorMod(k.hashCode(), stripes)}. So with 16 stripes, the {@code Integer} keys 0 and 1 are
 * in different stripes, and 0 and 16 in the same one.
 *
 * <p>{@code merge} behaves as {@link java.util.Map#merge}, atomically: the remapping function runs
 * while the key's stripe is locked. {@code size()} is exact when no update is in flight. Null keys and
 * values are refused with a {@code NullPointerException}, as {@code ConcurrentHashMap} refuses them and
 * unlike {@code HashMap}: with nulls allowed, a {@code get} that returns null could not tell "absent"
 * from "mapped to null" without a second call, and another thread can change the answer in between.
 */
public class StripedMap<K, V> {

    /**
     * An empty map with {@code stripes} stripes.
     *
     * @throws IllegalArgumentException if {@code stripes} is not more than zero
     */
    public StripedMap(int stripes) {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 5: StripedMap(int)");
    }

    /** The value for {@code key}, or null if there is none. */
    public V get(K key) {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 5: StripedMap.get()");
    }

    /** Maps {@code key} to {@code value}; returns the previous value, or null if there was none. */
    public V put(K key, V value) {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 5: StripedMap.put()");
    }

    /**
     * Maps {@code key} to {@code value} if it has no value yet, otherwise to
     * {@code remapping.apply(oldValue, value)} (and removes the key if that is null), as one atomic step.
     *
     * @return the new value, or null if the key was removed
     */
    public V merge(K key, V value, BinaryOperator<V> remapping) {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 5: StripedMap.merge()");
    }

    /** The number of keys. */
    public int size() {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 5: StripedMap.size()");
    }
}
