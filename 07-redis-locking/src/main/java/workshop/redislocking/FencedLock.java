package workshop.redislocking;

import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.JedisPool;

/**
 * Exercise 4 (README: "4. FencedLock, FencedStore"). A Redis lock that hands out a fencing token with
 * every grant: a number that grows with each grant of the lock, so the protected resource can turn away
 * a client whose lock expired ({@link FencedStore}).
 *
 * <p>Keys: {@code name} holds the lock (a random value with a TTL, as in {@link RedisLock});
 * {@code name + ":fence"} holds the counter. Taking the lock and drawing the number must happen on the
 * server in one step, and the number must be drawn only when the lock was granted.
 */
@SuppressWarnings({"deprecation", "unused"}) // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class FencedLock {

    /**
     * @param pool connections to the Redis server
     * @param name the lock's name, its Redis key; not empty
     * @param ttl  how long the lock lives unless released; at least 1 ms
     */
    public FencedLock(JedisPool pool, String name, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedLock(JedisPool, String, Duration)");
    }

    /**
     * Tries to take the lock until {@code wait} has passed.
     *
     * @param wait how long to keep trying; more than zero
     * @return the lock's token with its fencing number, or empty if the lock stayed taken
     */
    public Optional<FencedToken> tryAcquire(Duration wait) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedLock.tryAcquire(Duration)");
    }

    /**
     * Releases the lock if {@code token} still owns it.
     *
     * @return true if released; false if it had expired or belongs to someone else now
     */
    public boolean release(FencedToken token) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedLock.release(FencedToken)");
    }
}
