/*
 * Wrong: a `synchronized increment()` around the `compareAndSet` loop: exact, but threads block on the monitor, so it is not lock-free
 * Rejected by: CasCounterTest#incrementNeverWaitsForAThreadThatHoldsTheCountersMonitor
 * Message: a lock-free counter must never block
 */
package workshop.locks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free counter: read, compute, and publish with {@code compareAndSet}, retrying when another
 * thread changed the value in between. No thread ever blocks; under heavy contention threads retry
 * (each failed CAS means another thread succeeded, so the counter as a whole always makes progress).
 */
public class CasCounter implements Counter {

    private final AtomicLong value = new AtomicLong();

    @Override
    public synchronized void increment() {
        long current;
        do {
            current = value.get();
        } while (!value.compareAndSet(current, current + 1));
    }

    @Override
    public long get() {
        return value.get();
    }
}
