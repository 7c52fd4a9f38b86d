/*
 * Wrong: no upper bound on `burst`: `burst * 1_000_000_000` overflows, and the new bucket is "full" of a negative amount
 * Rejected by: RateLimiterTest#aBurstTooLargeToCountInBillionthsOfAPermitIsRefused
 * Message: a full bucket overflows a long
 */
package workshop.semaphores;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token-bucket rate limiter: at most {@code burst} permits at once, refilled at
 * {@code permitsPerSecond}. {@link #tryAcquire()} never waits: it takes a permit if there is one and
 * says whether it did, so the caller can reject, queue or retry the request.
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(100, 20, Ticker.system());   // 100 per second, bursts of 20
 * if (!limiter.tryAcquire()) {
 *     return tooManyRequests();
 * }
 * }</pre>
 *
 * <p>The bucket starts full. It refills continuously in proportion to the time passed: fractions of a
 * permit are kept, not rounded away, so a rate of 3 per second grants exactly 3 permits per second even to
 * a caller who asks every 100 ms. Over any window of {@code w} seconds it grants at most
 * {@code burst + permitsPerSecond * w} permits. {@link #tryAcquire(int)} takes all it asks for or nothing;
 * a request for more than {@code burst} can never succeed and returns false.
 *
 * <p>Time comes from the {@link Ticker}, so tests can move it by hand. A ticker reading earlier than the
 * last one (a broken clock) counts as no time passed.
 *
 * <p>Thread-safe: one lock guards the bucket, so the refill, the check and the take are one step.
 */
public class RateLimiter {

    /** Fixed-point unit: one permit is this many units, so fractions of a permit are exact integers. */
    private static final long UNITS_PER_PERMIT = 1_000_000_000L;

    /** Units added per nanosecond: permitsPerSecond * UNITS_PER_PERMIT / 1e9 = permitsPerSecond. */
    private final long unitsPerNano;

    /** A full bucket, in units. */
    private final long capacityUnits;

    private final Ticker ticker;

    private final ReentrantLock lock = new ReentrantLock();

    /** Units in the bucket at {@link #lastRefill}; at most {@link #capacityUnits}. */
    @GuardedBy("lock")
    private long storedUnits;

    /** The ticker reading the bucket was last refilled at. */
    @GuardedBy("lock")
    private long lastRefill;

    /**
     * @param permitsPerSecond the refill rate, at least 1
     * @param burst            the bucket's size: the most permits granted at once, at least 1
     * @param ticker           the time source ({@link Ticker#system()} outside tests)
     * @throws IllegalArgumentException if {@code permitsPerSecond} or {@code burst} is less than 1, or {@code burst}
     *                                  is more than {@code Long.MAX_VALUE / 1_000_000_000} (too large to count in
     *                                  billionths of a permit)
     * @throws NullPointerException if {@code ticker} is null
     */
    public RateLimiter(long permitsPerSecond, long burst, Ticker ticker) {
        if (permitsPerSecond < 1) {
            throw new IllegalArgumentException("permitsPerSecond must be at least 1, was " + permitsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        // With one permit = 1e9 units, a rate of r permits per second adds exactly r units per nanosecond.
        this.unitsPerNano = permitsPerSecond;
        this.capacityUnits = burst * UNITS_PER_PERMIT;
        this.storedUnits = capacityUnits;
        this.lastRefill = ticker.nanos();
    }

    /** Takes one permit if the bucket has one; never waits. */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes {@code permits} permits if the bucket has that many, or none; never waits.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    public boolean tryAcquire(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        long wanted = permits * UNITS_PER_PERMIT;
        lock.lock();
        try {
            refill(ticker.nanos());
            if (storedUnits < wanted) {
                return false;
            }
            storedUnits -= wanted;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds the units earned since the last refill, up to a full bucket. Call only while holding the lock. */
    @GuardedBy("lock")
    private void refill(long now) {
        long elapsed = now - lastRefill;
        if (elapsed <= 0) {
            return; // no time passed, or the ticker went backwards: earn nothing, keep the old reference point
        }
        lastRefill = now;
        long missing = capacityUnits - storedUnits;
        // Compare by division first: elapsed * unitsPerNano may overflow after a long idle time.
        if (elapsed >= missing / unitsPerNano + 1) {
            storedUnits = capacityUnits;
        } else {
            storedUnits += elapsed * unitsPerNano;
        }
    }
}
