package workshop.semaphores;

/**
 * Exercise 4 (README: "4. RateLimiter"). A token-bucket rate limiter: at most {@code burst} permits at
 * once, refilled continuously at {@code permitsPerSecond}. {@code tryAcquire} never waits: it takes the
 * permits if the bucket has them and says whether it did.
 *
 * <p>The bucket starts full. Refill is proportional to the time passed on the {@link Ticker} (never the
 * system clock directly, so tests can move time by hand), and fractions of a permit are kept, not rounded
 * away. {@code tryAcquire(n)} takes all {@code n} or nothing; more than {@code burst} can never succeed.
 * Racing threads must never get more permits than the bucket holds. A ticker reading earlier than the last
 * one (a broken clock) counts as no time passed. Arguments below 1 are an
 * {@link IllegalArgumentException}, a null ticker a {@link NullPointerException}, each naming the
 * argument. Hints are in the README.
 */
public class RateLimiter {

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
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 4: RateLimiter(long, long, Ticker)");
    }

    /** Takes one permit if the bucket has one; never waits. */
    public boolean tryAcquire() {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 4: RateLimiter.tryAcquire()");
    }

    /**
     * Takes {@code permits} permits if the bucket has that many, or none; never waits.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    public boolean tryAcquire(int permits) {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 4: RateLimiter.tryAcquire(int)");
    }
}
