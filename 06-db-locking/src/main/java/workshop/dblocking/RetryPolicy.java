package workshop.dblocking;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often, and after which pauses, an optimistic transaction that lost a race is tried again:
 * exponential backoff with full jitter, capped.
 *
 * <p>The first attempt starts at once. Before attempt {@code n >= 2} the caller sleeps a delay drawn
 * uniformly from {@code [0, min(maxDelay, baseDelay * 2^(n-2))]}: the ceiling doubles with every
 * attempt until it reaches {@code maxDelay}. Drawing the whole delay at random ("full jitter") spreads
 * the writers who collided over the window, so they do not collide again in lockstep.
 *
 * <pre>{@code
 * RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(50));
 * Thread.sleep(policy.delayBeforeAttempt(attempt, ThreadLocalRandom.current()));
 * }</pre>
 *
 * @param maxAttempts how many transactions to try at most (at least 1)
 * @param baseDelay the ceiling of the delay before the second attempt (zero or more)
 * @param maxDelay the ceiling no delay exceeds (at least {@code baseDelay})
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.isNegative()) {
            throw new IllegalArgumentException("baseDelay must not be negative, was " + baseDelay);
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must be at least baseDelay (" + baseDelay + ")");
        }
    }

    /**
     * The pause before attempt number {@code attempt} (1 for the first): zero for the first attempt,
     * else uniformly random between zero and {@code min(maxDelay, baseDelay * 2^(attempt-2))}, both
     * included.
     *
     * @param random where the jitter comes from (pass a seeded one for repeatable delays)
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    public Duration delayBeforeAttempt(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
        Objects.requireNonNull(random, "random");
        if (attempt == 1) {
            return Duration.ZERO;
        }
        long ceiling = ceilingNanos(attempt);
        return ceiling == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(ceiling + 1));
    }

    /** {@code min(maxDelay, baseDelay * 2^(attempt-2))} in nanoseconds, without overflow. */
    private long ceilingNanos(int attempt) {
        long base = saturatedNanos(baseDelay);
        long max = saturatedNanos(maxDelay);
        int doublings = attempt - 2;
        if (doublings >= Long.SIZE - 1 || base > max >> doublings) {
            return max;
        }
        return base << doublings;
    }

    /** The duration in nanoseconds, at most {@code Long.MAX_VALUE - 1} (so that adding one cannot overflow). */
    private static long saturatedNanos(Duration duration) {
        try {
            return Math.min(duration.toNanos(), Long.MAX_VALUE - 1);
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE - 1;
        }
    }
}
