/*
 * Wrong: a `synchronized record()` around the `compareAndSet` loop: exact, but with a lock, so threads block
 * Rejected by: HighWaterMarkTest#recordNeverWaitsForAThreadThatHoldsTheMarksMonitor
 * Message: a lock-free maximum must never block
 */
package workshop.locks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The largest value ever recorded, kept exact without a lock.
 *
 * <p>{@link #record} reads the current maximum and replaces it with {@code compareAndSet} only if the
 * new value is larger; if another thread changed the maximum in between, it reads again. A value that
 * is not larger than the current maximum returns at once (the maximum only grows, so it never will be).
 */
public class HighWaterMark {

    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    /** Records {@code value}; the maximum becomes {@code value} if it is larger. */
    public synchronized void record(long value) {
        long current = max.get();
        while (value > current) {
            if (max.compareAndSet(current, value)) {
                return;
            }
            current = max.get();
        }
    }

    /** The largest value recorded so far, or {@link Long#MIN_VALUE} if none was. */
    public long max() {
        return max.get();
    }
}
