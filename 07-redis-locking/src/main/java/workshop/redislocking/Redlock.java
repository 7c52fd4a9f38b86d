package workshop.redislocking;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.RedisClient;

/**
 * Exercise 3 (README: "3. Redlock"). Build the Redlock algorithm over N independent Redis servers: take
 * the lock on each server with the same random token, and hold it only if a majority granted it (an
 * error is not a grant) and its validity, {@code ttl - elapsed - (ttl * 0.01 + 2 ms)}, is still
 * positive. A majority is a strict one for every number of servers: more than half ({@code N/2 + 1} in
 * integer division: 1 of 1, 2 of 2, 2 of 3, 3 of 4, 3 of 5, 4 of 6). A failed attempt must leave no key
 * behind on any server, also on a server whose answer was lost or came late (its SET may have landed):
 * release on every server you asked, after every call of the attempt has finished. Retry after a random
 * delay until {@code wait} has passed.
 *
 * <p>Read the clock and wait between attempts only through the {@link TimeSource} (the tests pass a fake
 * one). A server that is down or frozen must not stall acquisition: the clients' short timeouts bound
 * each call, so do not wait for a server in any other way.
 */
@SuppressWarnings("unused")
public class Redlock {

    /**
     * A Redlock on the real clock ({@link TimeSource#system()}).
     *
     * @param servers one client per independent Redis server (at least one; use 5), each with short timeouts
     * @param name    the lock's name, its key on every server
     * @param ttl     how long the lock lives on each server; at least 1 ms
     */
    public Redlock(List<RedisClient> servers, String name, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock(List<RedisClient>, String, Duration)");
    }

    /** A Redlock that reads the clock and waits between attempts through {@code time}. */
    public Redlock(List<RedisClient> servers, String name, Duration ttl, TimeSource time) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock(List<RedisClient>, String, Duration, TimeSource)");
    }

    /**
     * Tries to take the lock on a majority of the servers until {@code wait} (on the time source) has passed.
     *
     * @param wait how long to keep trying: zero or less means one attempt and no waiting; a huge wait (up to
     *             {@code Duration.ofSeconds(Long.MAX_VALUE)}) means as long as it takes, so convert it with
     *             {@code TimeUnit.NANOSECONDS.convert(wait)}, which saturates, never {@code wait.toNanos()},
     *             which throws {@code ArithmeticException} beyond about 292 years
     * @return the lease with its validity, or empty
     * @throws InterruptedException if the thread is interrupted before the first attempt or while it waits
     *                              between attempts: throw it with the interrupt status cleared, after undoing
     *                              the current attempt on every server (no key left behind)
     */
    public Optional<RedlockLease> tryAcquire(Duration wait) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock.tryAcquire(Duration)");
    }

    /** Releases the lock on every server that still holds this lease's token; a server that is down is skipped. */
    public void release(RedlockLease lease) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock.release(RedlockLease)");
    }
}
