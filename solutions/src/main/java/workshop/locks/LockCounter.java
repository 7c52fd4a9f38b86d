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

    @GuardedBy("lock")
    private long count;

    @Override
    public void increment() {
        lock.lock();
        try {
            count++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long get() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
