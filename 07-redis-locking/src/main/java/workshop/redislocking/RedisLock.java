package workshop.redislocking;

import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.JedisPool;

/**
 * Exercise 1 (README: "1. RedisLock"). Build a lock on one Redis server: the key {@code name} holds a
 * random value while a client holds the lock, and expires after {@code ttl} if the client never
 * releases it.
 *
 * <p>Acquiring must create the key and its expiry in one command. Release and extend must act only if
 * the key still holds this client's value, and the check and the act must happen on the server in one
 * step. The value must be unguessable and unique across all clients everywhere: at least 128 bits from
 * a cryptographically strong random generator. Reject bad arguments (null, an empty name, a TTL under
 * 1 ms, a wait that is not positive, a token of another lock) with an exception that names the argument.
 */
@SuppressWarnings({"deprecation", "unused"}) // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class RedisLock {

    /**
     * @param pool connections to the Redis server
     * @param name the lock's name, also its Redis key; not empty
     * @param ttl  how long the lock lives unless released or extended; at least 1 ms
     */
    public RedisLock(JedisPool pool, String name, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 1: RedisLock(JedisPool, String, Duration)");
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
     * @param wait how long to keep trying; more than zero
     * @return the token that proves ownership, or empty if the lock stayed taken
     */
    public Optional<LockToken> tryAcquire(Duration wait) {
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
