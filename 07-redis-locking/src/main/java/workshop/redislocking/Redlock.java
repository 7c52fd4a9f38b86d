package workshop.redislocking;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.JedisPool;

/**
 * Exercise 3 (README: "3. Redlock"). Build the Redlock algorithm over N independent Redis servers: take
 * the lock on each server with the same random token, and hold it only if a majority granted it (an
 * error is not a grant) and its validity, {@code ttl - elapsed - (ttl * 0.01 + 2 ms)}, is still
 * positive. A failed attempt must leave no key behind on any server; retry after a random delay until
 * {@code wait} has passed.
 *
 * <p>Read the clock and wait between attempts only through the {@link TimeSource} (the tests pass a fake
 * one). A server that is down or frozen must not stall acquisition: the pools' short timeouts bound each
 * call, so do not wait for a server in any other way.
 */
@SuppressWarnings({"deprecation", "unused"}) // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class Redlock {

    /**
     * A Redlock on the real clock ({@link TimeSource#system()}).
     *
     * @param servers one pool per independent Redis server (at least one; use 5)
     * @param name    the lock's name, its key on every server
     * @param ttl     how long the lock lives on each server; at least 1 ms
     */
    public Redlock(List<JedisPool> servers, String name, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock(List<JedisPool>, String, Duration)");
    }

    /** A Redlock that reads the clock and waits between attempts through {@code time}. */
    public Redlock(List<JedisPool> servers, String name, Duration ttl, TimeSource time) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock(List<JedisPool>, String, Duration, TimeSource)");
    }

    /**
     * Tries to take the lock on a majority of the servers until {@code wait} (on the time source) has passed.
     *
     * @param wait how long to keep trying; more than zero
     * @return the lease with its validity, or empty
     */
    public Optional<RedlockLease> tryAcquire(Duration wait) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock.tryAcquire(Duration)");
    }

    /** Releases the lock on every server that still holds this lease's token; a server that is down is skipped. */
    public void release(RedlockLease lease) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 3: Redlock.release(RedlockLease)");
    }
}
