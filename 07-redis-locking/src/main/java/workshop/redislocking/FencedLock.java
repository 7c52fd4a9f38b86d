package workshop.redislocking;

import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.RedisClient;

/**
 * Exercise 4 (README: "4. FencedLock, FencedStore"). A Redis lock that hands out a fencing token with
 * every grant: a number that grows with each grant of the lock, so the protected resource can turn away
 * a client whose lock expired ({@link FencedStore}).
 *
 * <p>Keys: {@code name} holds the lock (a random value with a TTL, as in {@link RedisLock});
 * {@code name + ":fence"} holds the counter. Taking the lock and drawing the number must happen on the
 * server in one step, and the number must be drawn only when the lock was granted. The counter must never
 * expire and never start over: after the lock expired, was released, or lay idle for longer than its TTL,
 * the next grant still gets a higher number than every grant before.
 */
@SuppressWarnings("unused")
public class FencedLock {

    /**
     * @param client the Redis server's client (Jedis {@code RedisClient}: thread-safe, pools its connections)
     * @param name   the lock's name, its Redis key; not empty or blank
     * @param ttl  how long the lock lives unless released; at least 1 ms
     */
    public FencedLock(RedisClient client, String name, Duration ttl) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedLock(RedisClient, String, Duration)");
    }

    /**
     * Tries to take the lock until {@code wait} has passed. Makes at least one attempt.
     *
     * @param wait how long to keep trying: zero or less means one attempt and no waiting; a huge wait (up to
     *             {@code Duration.ofSeconds(Long.MAX_VALUE)}) means as long as it takes, so convert it with
     *             {@code TimeUnit.NANOSECONDS.convert(wait)}, which saturates, never {@code wait.toNanos()},
     *             which throws {@code ArithmeticException} beyond about 292 years
     * @return the lock's token with its fencing number, or empty if the lock stayed taken
     * @throws InterruptedException if the thread is interrupted before the first attempt or while it waits
     *                              between attempts: throw it with the interrupt status cleared, leaving no
     *                              key of this call behind
     */
    public Optional<FencedToken> tryAcquire(Duration wait) throws InterruptedException {
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
