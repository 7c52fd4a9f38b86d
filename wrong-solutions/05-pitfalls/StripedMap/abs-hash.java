/*
 * Wrong: stripe index Math.abs(hashCode) % stripes instead of Math.floorMod: a key whose hashCode is Integer.MIN_VALUE gets a negative stripe
 * Rejected by: StripedMapTest#aKeyWhoseHashCodeIsIntegerMinValueWorksLikeAnyOther
 * Message: Math.abs(Integer.MIN_VALUE) is Integer.MIN_VALUE itself
 */
package workshop.pitfalls;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BinaryOperator;

/**
 * A thread-safe map whose keys are spread over a fixed number of stripes, each a plain {@code HashMap}
 * guarded by a lock of its own (lock striping). Threads that work on keys of different stripes never
 * wait for each other; the contention one lock would see is divided by the number of stripes.
 *
 * <p>The stripe function is part of the contract: key {@code k} lives in stripe
 * {@code Math.floorMod(k.hashCode(), stripes)}.
 *
 * <p>{@code merge} behaves as {@link Map#merge}, atomically: the remapping function runs while the
 * key's stripe is locked, so it should be short and must not use this map. {@link #size()} locks every
 * stripe, always in ascending order (so it cannot deadlock with another {@code size()}), and returns an
 * exact count. Null keys and values are refused with a {@code NullPointerException}, as
 * {@code ConcurrentHashMap} refuses them and unlike {@code HashMap}: with nulls allowed, a {@code get}
 * that returns null could not tell "absent" from "mapped to null" without a second call, and between
 * the two calls another thread can change the answer.
 *
 * <p>Memory consistency: actions before an update of a key happen-before the actions of any thread
 * that later reads that key's new value.
 */
public class StripedMap<K, V> {

    private final ReentrantLock[] locks;
    /** {@code maps[i]} holds the keys of stripe {@code i} and is guarded by {@code locks[i]}. */
    private final Map<K, V>[] maps;

    /**
     * An empty map with {@code stripes} stripes.
     *
     * @throws IllegalArgumentException if {@code stripes} is not more than zero
     */
    @SuppressWarnings("unchecked")
    public StripedMap(int stripes) {
        if (stripes <= 0) {
            throw new IllegalArgumentException("stripes must be more than zero, was " + stripes);
        }
        locks = new ReentrantLock[stripes];
        maps = (Map<K, V>[]) new Map<?, ?>[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
            maps[i] = new HashMap<>();
        }
    }

    /** The value for {@code key}, or null if there is none. */
    public V get(K key) {
        int stripe = stripeOf(key);
        locks[stripe].lock();
        try {
            return maps[stripe].get(key);
        } finally {
            locks[stripe].unlock();
        }
    }

    /** Maps {@code key} to {@code value}; returns the previous value, or null if there was none. */
    public V put(K key, V value) {
        Objects.requireNonNull(value, "value");
        int stripe = stripeOf(key);
        locks[stripe].lock();
        try {
            return maps[stripe].put(key, value);
        } finally {
            locks[stripe].unlock();
        }
    }

    /**
     * Maps {@code key} to {@code value} if it has no value yet, otherwise to
     * {@code remapping.apply(oldValue, value)} (and removes the key if that is null), as one atomic step.
     *
     * @return the new value, or null if the key was removed
     */
    public V merge(K key, V value, BinaryOperator<V> remapping) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remapping, "remapping");
        int stripe = stripeOf(key);
        locks[stripe].lock();
        try {
            return maps[stripe].merge(key, value, remapping);
        } finally {
            locks[stripe].unlock();
        }
    }

    /** The number of keys: an exact count, taken with every stripe locked. */
    public int size() {
        int locked = 0;
        try {
            for (; locked < locks.length; locked++) {
                locks[locked].lock(); // ascending order: every caller that locks several stripes agrees
            }
            int size = 0;
            for (Map<K, V> map : maps) {
                size += map.size();
            }
            return size;
        } finally {
            while (locked > 0) {
                locks[--locked].unlock();
            }
        }
    }

    private int stripeOf(K key) {
        return Math.abs(Objects.requireNonNull(key, "key").hashCode()) % locks.length;
    }
}
