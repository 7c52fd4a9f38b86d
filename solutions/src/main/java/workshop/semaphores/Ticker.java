package workshop.semaphores;

/**
 * A source of time for {@link RateLimiter}: nanoseconds from an arbitrary origin, like
 * {@link System#nanoTime()}. Production code uses {@link #system()}; tests pass a fake ticker they move
 * forward by hand, so every result is exact and no test has to sleep.
 *
 * <p>This interface is given complete.
 */
@FunctionalInterface
public interface Ticker {

    /** The current time in nanoseconds; only differences between two readings mean anything. */
    long nanos();

    /** The system's monotonic clock, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
