package workshop.redislocking;

import java.time.Duration;
import java.util.Optional;

/**
 * Exercise 2 (README: "2. RenewingLock"). Add a watchdog to {@link RedisLock}, as Redisson's lock has:
 * while a {@link Lease} is open, the lock is extended every {@code renewEvery}, so the work may take
 * longer than the TTL while a crashed client still loses the lock soon.
 *
 * <p>A renewal must never extend a lock that another client took over. When the lock turns out to be
 * gone or someone else's, the lease reports it ({@link Lease#isLost()}). After {@link Lease#close()}
 * returns, no renewal may reach the server any more and no thread of the lease may be left running.
 * {@code renewEvery} must be positive and shorter than the lock's TTL. A lease's {@code toString()} must
 * not show the token's whole value.
 */
@SuppressWarnings("unused")
public class RenewingLock {

    /**
     * @param lock       the lock to hold
     * @param renewEvery how often to extend it; more than zero and less than the lock's TTL
     */
    public RenewingLock(RedisLock lock, Duration renewEvery) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 2: RenewingLock(RedisLock, Duration)");
    }

    /**
     * Tries to take the lock ({@link RedisLock#tryAcquire}) and, if it got it, starts renewing it.
     *
     * @param wait how long to keep trying: zero or less means one attempt and no waiting; a huge wait (up to
     *             {@code Duration.ofSeconds(Long.MAX_VALUE)}) means as long as it takes, so convert it with
     *             {@code TimeUnit.NANOSECONDS.convert(wait)}, which saturates, never {@code wait.toNanos()},
     *             which throws {@code ArithmeticException} beyond about 292 years
     * @return the open lease, or empty if the lock stayed taken for {@code wait}
     * @throws InterruptedException if the thread is interrupted before the first attempt or while it waits
     *                              between attempts: throw it with the interrupt status cleared, leaving no
     *                              key of this call behind
     */
    public Optional<Lease> tryAcquire(Duration wait) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 2: RenewingLock.tryAcquire(Duration)");
    }
}
