package workshop.redislocking;

import java.time.Duration;

/**
 * Where {@link Redlock} reads the time and waits between attempts. Production code uses
 * {@link #system()}; tests pass a fake that makes acquisition look slow or records the delays.
 */
public interface TimeSource {

    /** A reading of a monotonic clock in nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits for {@code duration}, like {@link Thread#sleep(Duration)}. */
    void sleep(Duration duration) throws InterruptedException;

    /** The real clock: {@link System#nanoTime()} and {@link Thread#sleep(Duration)}. */
    static TimeSource system() {
        return new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration);
            }
        };
    }
}
