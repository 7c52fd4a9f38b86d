package workshop.semaphores.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import workshop.semaphores.Ticker;

/**
 * A {@link Ticker} that stands still until the test moves it: every result of a rate limiter becomes
 * exact, and no test sleeps. It starts at an arbitrary reading (only differences mean anything).
 */
public final class FakeTicker implements Ticker {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Override
    public long nanos() {
        return now.get();
    }

    /** Moves the time forward by {@code duration}. */
    public void advance(Duration duration) {
        advanceNanos(duration.toNanos());
    }

    /** Moves the time back by {@code duration}, as a broken clock might: the next reading is earlier than the last. */
    public void moveBack(Duration duration) {
        advanceNanos(-duration.toNanos());
    }

    /** Moves the time forward by {@code nanos}. */
    public void advanceNanos(long nanos) {
        now.addAndGet(nanos);
    }
}
