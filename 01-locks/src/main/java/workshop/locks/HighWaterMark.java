package workshop.locks;

/**
 * Exercise 5 (README: "5. HighWaterMark"). Remembers the largest value ever recorded, while many
 * threads record values at once (for example the peak number of open connections).
 *
 * <p>"Read the maximum, compare, write" is a check-then-act: two threads can both read 5, one writes
 * 9, the other writes 7, and the maximum 9 is lost. Make it exact without a lock.
 */
public class HighWaterMark {

    /** Records {@code value}; the maximum becomes {@code value} if it is larger. */
    public void record(long value) {
        throw new UnsupportedOperationException("TODO 01-locks exercise 5: HighWaterMark.record(long)");
    }

    /** The largest value recorded so far, or {@link Long#MIN_VALUE} if none was. */
    public long max() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 5: HighWaterMark.max()");
    }
}
