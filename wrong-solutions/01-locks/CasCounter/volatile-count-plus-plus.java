/*
 * Wrong: `volatile long count; count++` instead of a `compareAndSet` loop
 * Rejected by: CasCounterTest#behavesAsIfOneOperationRanAtATime
 * Message: increments were lost
 */
package workshop.locks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free counter: read, compute, and publish with {@code compareAndSet}, retrying when another
 * thread changed the value in between. No thread ever blocks; under heavy contention threads retry
 * (each failed CAS means another thread succeeded, so the counter as a whole always makes progress).
 */
public class CasCounter implements Counter {

    private volatile long value;

    @Override
    public void increment() {
        value++; // volatile: each read and write is visible, but the three steps are not one
    }

    @Override
    public long get() {
        return value;
    }
}
