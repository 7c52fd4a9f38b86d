package workshop.redislocking;

import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.RedisClient;

/**
 * Exercise 1 (README: "1. RedisLock"). Build a lock on one Redis server: the key {@code name} holds a
 * random value while a client holds the lock, and expires after {@code ttl} if the client never
 * releases it.
 *
 * <p>Acquiring must create the key and its expiry in one command. Release and extend must act only if
 * the key still holds this client's value, and the check and the act must happen on the server in one
 * step. The value must be unguessable and unique across all clients everywhere: at least 128 bits from
 * a cryptographically strong random generator. Reject bad arguments with an exception that names the
 * argument: null ({@code NullPointerException}), a name that is empty or blank such as {@code "  "} (a
 * blank Redis key is legal but almost always a bug: {@code IllegalArgumentException}), a TTL under 1 ms,
 * a token of another lock ({@code IllegalArgumentException}).
 *
 * <p>{@link #toString()} of the lock, and of a {@link LockToken}, must never show a token's whole value:
 * whoever reads it in a log can release the lock.
 */
@SuppressWarnings("unused")
public class RedisLock {

    /**
     * @param client the Redis server's client (Jedis {@code RedisClient}: thread-safe, pools its connections)
     * @param name   the lock's name, also its Redis key; not empty or blank
     * @param ttl  how long the lock lives unless released or extended; at least 1 ms
     */
    public RedisLock(RedisClient client, String name, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock(RedisClient, String, Duration)");
    }

    /** The lock's name, which is also its Redis key. */
    public String name() {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock.name()");
    }

    /** How long the lock lives after it was acquired or extended. */
    public Duration ttl() {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock.ttl()");
    }

    /**
     * Tries to take the lock, retrying until {@code wait} has passed. Makes at least one attempt.
     *
     * @param wait how long to keep trying: zero or less means one attempt and no waiting; a huge wait (up to
     *             {@code Duration.ofSeconds(Long.MAX_VALUE)}) means as long as it takes, so convert it with
     *             {@code TimeUnit.NANOSECONDS.convert(wait)}, which saturates, never {@code wait.toNanos()},
     *             which throws {@code ArithmeticException} beyond about 292 years
     * @return the token that proves ownership, or empty if the lock stayed taken
     * @throws InterruptedException if the thread is interrupted before the first attempt or while it waits
     *                              between attempts: throw it with the interrupt status cleared, leaving no
     *                              key of this call behind
     */
    public Optional<LockToken> tryAcquire(Duration wait) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock.tryAcquire(Duration)");
    }

    /**
     * Releases the lock if {@code token} still owns it.
     *
     * @return true if released; false if it had expired or belongs to someone else now (leave that alone)
     * @throws IllegalArgumentException if the token belongs to a lock with another name
     */
    public boolean release(LockToken token) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock.release(LockToken)");
    }

    /**
     * Gives the lock a new time to live of {@code ttl} if {@code token} still owns it.
     *
     * @return true if extended; false if it had expired or belongs to someone else now (leave that alone)
     */
    public boolean extend(LockToken token, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock.extend(LockToken, Duration)");
    }
}
