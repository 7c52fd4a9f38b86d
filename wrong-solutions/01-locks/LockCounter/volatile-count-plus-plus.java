/*
 * Wrong: `volatile long count; count++` without the lock
 * Rejected by: LockCounterTest#behavesAsIfOneOperationRanAtATime
 * Message: increments were lost
 */
package workshop.locks;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counter guarded by one lock. Thread-safe and exact; under contention all threads queue for the
 * one lock, which is what {@link StripedCounter} and {@link CasCounter} improve on.
 */
public class LockCounter implements Counter {

    /** Guards {@link #count}. */
    private final ReentrantLock lock = new ReentrantLock();

    private volatile long count;

    @Override
    public void increment() {
        count++; // volatile: each read and write is visible, but the three steps are not one
    }

    @Override
    public long get() {
        return count;
    }
}
