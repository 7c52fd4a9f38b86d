/*
 * Wrong: `if (v > max) max = v;` on a volatile
 * Rejected by: HighWaterMarkTest#behavesAsIfOneOperationRanAtATime
 * Message: the maximum was lost
 * Caught by: Lincheck, every run; `keepsTheTrueMaximumWhenThreadsRecordAtTheSameMoment` too on a machine with free cores
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

    private volatile long max = Long.MIN_VALUE;

    /** Records {@code value}; the maximum becomes {@code value} if it is larger. */
    public void record(long value) {
        if (value > max) {
            max = value; // a larger value written since the check is overwritten
        }
    }

    /** The largest value recorded so far, or {@link Long#MIN_VALUE} if none was. */
    public long max() {
        return max;
    }
}
